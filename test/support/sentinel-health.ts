/**
 * Waiting for the Sentinel test topology (master redwire-primary, sentinels 26400-26402) to be healthy: every
 * sentinel names the same master and sees 2 healthy replicas, and the master has 2 connected replicas. Other
 * suites may fail it over at any time; call this before and after a test that runs on it.
 */
import { Connection } from '../../lib/connection/connection.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { isHealthyReplica, toMasterAddress, toSentinelInstances } from '../../lib/sentinel/sentinel-reply.js';
import { HOST, SENTINEL } from './topology.js';
import { waitUntil } from './wait-until.js';

export async function adminCall(port: number, args: string[]): Promise<RespValue> {
  const conn = new Connection({ host: HOST, port, retry: false, connectTimeout: 1000, commandTimeout: 2000, lazyConnect: true });
  conn.on('error', () => undefined);
  try {
    await conn.connect();
    return await conn.sendCommand(args);
  } finally {
    conn.destroy();
  }
}

/** Why the topology is not healthy, or undefined. */
export async function sentinelHealthProblem(): Promise<string | undefined> {
  let master: number | undefined;
  for (const { port } of SENTINEL.sentinels) {
    const addr = toMasterAddress(await adminCall(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL.masterName]));
    if (addr === undefined) return `sentinel ${port} knows no master`;
    master ??= addr.port;
    if (addr.port !== master) return `sentinels disagree on the master (${master} vs ${addr.port})`;
    const replicas = toSentinelInstances(await adminCall(port, ['SENTINEL', 'REPLICAS', SENTINEL.masterName]));
    if (replicas.filter(isHealthyReplica).length !== 2) return `sentinel ${port} does not see 2 healthy replicas`;
  }
  const role = (await adminCall(master!, ['ROLE'])) as RespValue[];
  if (role[0] !== 'master') return `${master} is named master but is ${String(role[0])}`;
  if (!Array.isArray(role[2]) || role[2].length !== 2) return `${master} has ${Array.isArray(role[2]) ? role[2].length : 0} replicas connected`;
  return undefined;
}

/** Resolves with the master's port once the topology is healthy; throws with the last problem after `deadlineMs`. */
export async function sentinelHealthy(deadlineMs = 90_000): Promise<number> {
  let last: string | undefined;
  try {
    return await waitUntil('the sentinel topology to become healthy', async () => {
      last = await sentinelHealthProblem().catch((error: unknown) => (error as Error).message);
      if (last !== undefined) return undefined;
      return toMasterAddress(await adminCall(SENTINEL.sentinels[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL.masterName]))?.port;
    }, deadlineMs, 200);
  } catch {
    throw new Error(`The sentinel topology did not become healthy: ${last}`);
  }
}
