/**
 * Sentinel faults under load on the chaos sentinel topology (6450-6452, sentinels 26450-26452): 10 SENTINEL
 * FAILOVERs in a row, master SIGKILL, a sentinel killed, a replica killed. Each restores the topology (restarts
 * what it killed; Sentinel re-attaches it). Losses after a SIGKILL failover are async replication, counted apart.
 */
import { createClient } from '../../lib/create-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { CHAOS_SENTINEL, requireTopology } from '../support/topology.js';
import { LoadGenerator, type LoadClient } from './load.js';
import { hasViolations, type FaultResult } from './report.js';
import { admin, infoField, pidOf, sleep, topology, waitUntil } from './chaos-servers.js';
import { printReport, runFault } from './run-fault.js';

const COMMAND_TIMEOUT = 1000;
const NAME = CHAOS_SENTINEL.masterName;
const SENTINEL_PORTS = CHAOS_SENTINEL.sentinels.map((s) => s.port);
let client: RedisClient;
let gen: LoadGenerator;
const results: FaultResult[] = [];

async function masterPort(sentinelPort = SENTINEL_PORTS[1]!): Promise<number> {
  const reply = (await admin(sentinelPort, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME])) as string[];
  return Number(reply[1]);
}

/** Master known to every sentinel, role master, both replicas attached and online. */
async function healthy(): Promise<boolean> {
  const port = await masterPort();
  for (const s of SENTINEL_PORTS) if ((await masterPort(s)) !== port) return false;
  const info = await admin(port, ['INFO', 'replication']);
  if (infoField(info, 'role') !== 'master' || infoField(info, 'connected_slaves') !== '2') return false;
  const sentinelInfo = await admin(SENTINEL_PORTS[0]!, ['SENTINEL', 'MASTER', NAME]);
  const flags = String((sentinelInfo as string[])[(sentinelInfo as string[]).indexOf('flags') + 1]);
  return flags === 'master';
}

async function kill(port: number): Promise<void> {
  process.kill(await pidOf(port), 'SIGKILL');
}

beforeAll(async () => {
  await requireTopology('chaos-sentinel');
  await waitUntil('chaos sentinel topology healthy', healthy, 60_000, 250);
  client = createClient({
    topology: 'sentinel', masterName: NAME, sentinels: CHAOS_SENTINEL.sentinels,
    commandTimeout: COMMAND_TIMEOUT, connectTimeout: 1000, retry: { attempts: Infinity, base: 50, cap: 500 },
  });
  gen = new LoadGenerator(client as unknown as LoadClient, {
    workers: 8, commandTimeoutMs: COMMAND_TIMEOUT, marginMs: 2000, prefix: 'chaos-se', keysPerWorker: 200, pauseMs: 1,
  });
});

afterAll(async () => {
  printReport('sentinel faults', results);
  await client?.disconnect();
  // Leave the topology whole for the next run.
  topology('up', 'chaos-sentinel');
});

async function fault(name: string, inject: () => Promise<void>, asyncReplication = false): Promise<void> {
  const tally = await runFault(gen, { name, inject, asyncReplication, recoverMs: 60_000 });
  results.push({ topology: 'sentinel', tally });
  expect({ fault: name, hung: tally.hung, misdelivered: tally.misdelivered, misdeliveries: tally.misdeliveries })
    .toEqual({ fault: name, hung: 0, misdelivered: 0, misdeliveries: [] });
  await waitUntil('sentinel topology healthy after the fault', healthy, 60_000, 250);
}

describe('sentinel chaos', () => {
  it('10 SENTINEL FAILOVERs in a row', () => fault('10x SENTINEL FAILOVER', async () => {
    for (let i = 0; i < 10; i++) {
      const before = await masterPort();
      await waitUntil('failover accepted', async () =>
        admin(SENTINEL_PORTS[i % 3]!, ['SENTINEL', 'FAILOVER', NAME]).then(() => true, () => false), 30_000, 250);
      await waitUntil(`failover ${i + 1} done`, async () => (await masterPort()) !== before && (await healthy()), 60_000, 100);
    }
  }, true));

  it('master SIGKILL', () => fault('master SIGKILL', async () => {
    const old = await masterPort();
    await kill(old);
    await waitUntil('a new master', async () => (await masterPort().catch(() => old)) !== old, 60_000, 200);
    topology('start-server', String(old));
  }, true));

  it('a sentinel killed', () => fault('sentinel SIGKILL', async () => {
    await kill(SENTINEL_PORTS[0]!);
    await sleep(3000);
    topology('start-server', String(SENTINEL_PORTS[0]!));
  }));

  it('a replica killed', () => fault('replica SIGKILL', async () => {
    const master = await masterPort();
    const replica = CHAOS_SENTINEL.redisPorts.find((p) => p !== master)!;
    await kill(replica);
    await sleep(3000);
    topology('start-server', String(replica));
  }));

  it('no command hung or was misdelivered', () => {
    expect(hasViolations(results)).toBe(false);
  });
});
