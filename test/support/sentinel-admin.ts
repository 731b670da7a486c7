/**
 * Admin access to the Sentinel test topology (masters 6400-6402, sentinels 26400-26402) for the suites that fail it
 * over: one-off commands, the health check they wait for before and after, and restarting what a test killed.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisClient } from '../../lib/client/redis-client.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { isHealthyReplica, toMasterAddress, toSentinelInstance, toSentinelInstances } from '../../lib/sentinel/sentinel-reply.js';
import { adminCall } from './sentinel-health.js';
import { REDWIRE_TMP, SENTINEL } from './topology.js';
import { waitUntil } from './wait-until.js';

const run = promisify(execFile);
const NAME = SENTINEL.masterName;

// One command on a throwaway connection (admin/health checks, never through the code under test's pools).
export { adminCall };

/** Why the topology is not healthy yet (same checks as the script's sentinel_healthy), or undefined. */
export async function healthProblem(): Promise<string | undefined> {
  let master: number | undefined;
  for (const { port } of SENTINEL.sentinels) {
    const addr = toMasterAddress((await adminCall(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME])) as RespValue);
    if (addr === undefined) return `sentinel ${port} does not know ${NAME}`;
    master ??= addr.port;
    if (addr.port !== master) return `sentinels disagree on the master (${master} vs ${addr.port} at ${port})`;
    const state = toSentinelInstance((await adminCall(port, ['SENTINEL', 'MASTER', NAME])) as RespValue);
    if (state.flags.join(',') !== 'master') return `sentinel ${port} sees the master as ${state.flags.join(',')}`;
    const replicas = toSentinelInstances((await adminCall(port, ['SENTINEL', 'REPLICAS', NAME])) as RespValue);
    if (replicas.filter(isHealthyReplica).length !== 2) return `sentinel ${port} does not see 2 healthy replicas`;
    const peers = toSentinelInstances((await adminCall(port, ['SENTINEL', 'SENTINELS', NAME])) as RespValue);
    if (peers.filter((p) => !p.flags.some((f) => f.endsWith('_down'))).length !== 2) return `sentinel ${port} does not see 2 peers`;
  }
  for (const port of SENTINEL.redisPorts) {
    const role = (await adminCall(port, ['ROLE'])) as RespValue[];
    if (port === master && role[0] !== 'master') return `${port} is named master but is ${String(role[0])}`;
    if (port !== master && (role[0] !== 'slave' || Number(role[2]) !== master || role[3] !== 'connected')) {
      return `${port} does not replicate from ${master} yet`;
    }
  }
  return undefined;
}

/** PID of the topology's server (data node or sentinel) on `port`, from its pid file. */
export function pidOf(port: number): number {
  return Number(readFileSync(join(REDWIRE_TMP, 'sentinel', `${port}.pid`), 'utf8').trim());
}

/**
 * Restarts a killed data node from its own config file, exactly as `topology.sh start-server <port>` does
 * (`redis-server <dir>/<port>.conf`), and waits until it answers PING. Not through the script for now: servers it
 * starts inherit its lock file descriptor, so the lock stays held as long as they run and every later topology.sh
 * call stalls.
 */
export async function startServer(port: number): Promise<void> {
  await run('redis-server', [join(REDWIRE_TMP, 'sentinel', `${port}.conf`)], { timeout: 10_000 });
  await waitUntil(`port ${port} to answer PING`, async () => (await adminCall(port, ['PING'])) === 'PONG', 30_000, 50);
}

/**
 * Restarts whatever is down, then waits (up to 90 s) until replication is up and the sentinels agree. With `thaw`,
 * first SIGCONTs every server of the topology (for suites that SIGSTOP some).
 */
export async function sentinelTopologyHealthy(options: { thaw?: boolean } = {}): Promise<void> {
  if (options.thaw === true) {
    for (const port of [...SENTINEL.redisPorts, ...SENTINEL.sentinels.map((s) => s.port)]) {
      try {
        process.kill(pidOf(port), 'SIGCONT');
      } catch {
        // not running: restarted below
      }
    }
  }
  for (const port of SENTINEL.redisPorts) {
    const up = await adminCall(port, ['PING']).then(() => true, () => false);
    if (!up) await startServer(port);
  }
  for (const { port } of SENTINEL.sentinels) {
    const up = await adminCall(port, ['PING']).then(() => true, () => false);
    if (!up) await run('redis-server', [join(REDWIRE_TMP, 'sentinel', `${port}.conf`), '--sentinel'], { timeout: 10_000 });
  }
  await healthyMaster();
}

/**
 * Waits (up to 90 s, nothing restarted) until `healthProblem()` finds nothing; resolves with the master's port.
 * Throws naming the last problem seen.
 */
export async function healthyMaster(deadlineMs = 90_000): Promise<number> {
  let last: string | undefined = 'not checked';
  await waitUntil('a healthy sentinel topology', async () => {
    last = await healthProblem().catch((error: unknown) => (error as Error).message);
    return last === undefined;
  }, deadlineMs, 50).catch(() => {
    throw new Error(`The sentinel topology did not become healthy: ${last}`);
  });
  const addr = toMasterAddress((await adminCall(SENTINEL.sentinels[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME])) as RespValue);
  if (addr === undefined) throw new Error(`The sentinels no longer know ${NAME}`);
  return addr.port;
}

/** Port of the server a client's shared connection is on (the same socket as the command sent just before). */
export async function servingPort(client: RedisClient): Promise<number> {
  const reply = await client.call('CONFIG', 'GET', 'port');
  const values = Array.isArray(reply) ? reply : Object.values(reply as object);
  return Number(values[values.length - 1]);
}
