/**
 * Sentinel faults under load on the chaos sentinel topology (6450-6452, sentinels 26450-26452): 10 SENTINEL
 * FAILOVERs in a row, master SIGKILL, a sentinel killed, a replica killed. Each restores the topology (restarts
 * what it killed; Sentinel re-attaches it). Losses after a SIGKILL failover are async replication, counted apart.
 *
 * Then, per fault (SENTINEL FAILOVER, master SIGKILL, master + one sentinel frozen), 40 writers per client RPUSH
 * increasing numbers, redwire with default options and ioredis (a devDependency) with `failoverDetector: true`
 * side by side, and every acknowledged value is looked for on the master afterwards (issue 14).
 */
import { createClient } from '../../lib/create-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { CHAOS_SENTINEL, requireTopology } from '../support/topology.js';
import { LoadGenerator, type LoadClient } from './load.js';
import { hasViolations, type FaultResult } from './report.js';
import { admin, infoField, pidOf, sleep, topology, waitUntil } from './chaos-servers.js';
import { printAckReport, printReport, runFault } from './run-fault.js';
import { AckWriters } from './ack-writers.js';
import { loadIORedis, type IORedisLike } from './ioredis-peer.js';
import type { AckRow } from './report.js';

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
  // Losses a failover's async replication explains are reported (lost async); any other lost write fails.
  expect({ fault: name, hung: tally.hung, hangs: tally.hangs, misdelivered: tally.misdelivered, misdeliveries: tally.misdeliveries, lostAcked: tally.lostAcked })
    .toEqual({ fault: name, hung: 0, hangs: [], misdelivered: 0, misdeliveries: [], lostAcked: 0 });
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
    // A planned failover holds writes until the new master answers: an acknowledged write lost is a failure here.
  }));

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

const ACK_WRITERS = 40;
const ACK_HANG_MS = 15_000;

describe('sentinel acknowledged writes per fault: redwire (defaults) and ioredis (failoverDetector: true)', () => {
  const rows: AckRow[] = [];
  let redwire: RedisClient;
  let ioredis: IORedisLike;

  beforeAll(async () => {
    await waitUntil('chaos sentinel topology healthy', healthy, 60_000, 250);
    redwire = createClient({ topology: 'sentinel', masterName: NAME, sentinels: CHAOS_SENTINEL.sentinels }) as RedisClient;
    const IORedis = await loadIORedis();
    ioredis = new IORedis({ sentinels: CHAOS_SENTINEL.sentinels, name: NAME, failoverDetector: true });
    ioredis.on('error', () => undefined);
  });

  afterAll(async () => {
    printAckReport('sentinel faults: acknowledged writes (per acknowledgement)', rows);
    await redwire?.disconnect();
    ioredis?.disconnect();
  });

  async function ackFault(fault: string, inject: () => Promise<void>): Promise<AckRow> {
    const writers = [
      new AckWriters(redwire, { name: 'redwire (defaults)', prefix: 'chaos-ack-rw', writers: ACK_WRITERS, hangMs: ACK_HANG_MS }),
      new AckWriters(ioredis, { name: 'ioredis failoverDetector', prefix: 'chaos-ack-io', writers: ACK_WRITERS, hangMs: ACK_HANG_MS }),
    ];
    for (const w of writers) w.start(fault);
    let note: string | undefined;
    try {
      await sleep(1000);
      await inject();
      await sleep(2000);
    } catch (error) {
      note = `fault not completed: ${(error as Error).message}`;
    } finally {
      await Promise.all(writers.map((w) => w.stop()));
    }
    const port = await masterPort();
    const tallies = [];
    for (const w of writers) tallies.push(await w.verify(port));
    for (const t of tallies) rows.push(note === undefined ? t : { ...t, note });
    await waitUntil('sentinel topology healthy after the fault', healthy, 90_000, 250);
    return tallies[0]!;
  }

  it('SENTINEL FAILOVER: redwire loses no acknowledged write', async () => {
    const before = await masterPort();
    const row = await ackFault('SENTINEL FAILOVER', async () => {
      await admin(SENTINEL_PORTS[2]!, ['SENTINEL', 'FAILOVER', NAME]);
      await waitUntil('the switch', async () => (await masterPort()) !== before, 60_000, 100);
    });
    expect({ hung: row.hung, lost: row.lost }).toEqual({ hung: 0, lost: 0 });
  });

  it('master SIGKILL', async () => {
    const old = await masterPort();
    const row = await ackFault('master SIGKILL', async () => {
      await kill(old);
      await waitUntil('a new master', async () => (await masterPort().catch(() => old)) !== old, 60_000, 200);
      await sleep(1000);
      topology('start-server', String(old));
    });
    expect(row.hung).toBe(0);
  });

  it('master + one sentinel frozen (SIGSTOP) while the other two fail over', async () => {
    const old = await masterPort();
    const frozenSentinel = SENTINEL_PORTS[0]!;
    const pids = [await pidOf(old), await pidOf(frozenSentinel)];
    const row = await ackFault('master + sentinel frozen', async () => {
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      try {
        await waitUntil('the other sentinels elect a new master', async () => (await masterPort(SENTINEL_PORTS[1])) !== old, 60_000, 200);
        await sleep(2000);
      } finally {
        for (const pid of pids) process.kill(pid, 'SIGCONT');
      }
    });
    expect(row.hung).toBe(0);
  });
});
