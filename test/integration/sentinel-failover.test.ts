import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { RedisError } from '../../lib/errors/index.js';
import { Sentinel, type SwitchMasterInfo } from '../../lib/sentinel/sentinel.js';
import type { SentinelAddress } from '../../lib/sentinel/sentinel-event.js';
import { SentinelService } from '../../lib/sentinel/sentinel-service.js';
import { pidOf, sentinelTopologyHealthy, servingPort, startServer } from '../support/sentinel-admin.js';
import { REDWIRE_TMP, requireTopology, SENTINEL } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const run = promisify(execFile);
const NAME = SENTINEL.masterName;
/** A command still unsettled after this long is reported as a hang (nothing in these tests should take > 2-3 s). */
const HANG_MS = 15_000;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown; hung: boolean };

/** Awaits `promise`, but reports a hang (instead of waiting forever) when it has not settled after HANG_MS. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new Error('hung'), hung: true }), HANG_MS);
  });
  const outcome = promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error, hung: false }),
  );
  return Promise.race([outcome, hang]).finally(() => clearTimeout(timer));
}

interface WriterStats {
  acked: number;
  errors: Map<string, number>;
  untyped: unknown[];
  hangs: number;
}

/** `count` writers, each INCR-style SETting its own key to 1, 2, 3, ... and remembering what was acknowledged when. */
function startWriters(client: RedisClient, prefix: string, count: number) {
  const lastAcked = new Array<number>(count).fill(0);
  const ackedAt = new Array<number>(count).fill(0);
  const stats: WriterStats = { acked: 0, errors: new Map(), untyped: [], hangs: 0 };
  let stop = false;
  const loops = Array.from({ length: count }, async (_, i) => {
    let n = 0;
    // Bounded: a failing test stops its load too.
    const loadDeadline = Date.now() + 180_000;
    while (!stop && Date.now() < loadDeadline) {
      n += 1;
      const outcome = await settle(client.set(`${prefix}:${i}`, String(n)));
      if (outcome.ok) {
        lastAcked[i] = n;
        ackedAt[i] = Date.now();
        stats.acked += 1;
      } else if (outcome.hung) {
        stats.hangs += 1;
        return;
      } else if (outcome.error instanceof RedisError) {
        const name = outcome.error.name;
        stats.errors.set(name, (stats.errors.get(name) ?? 0) + 1);
        // Back off a little after an error so a dead master is not hammered in a tight loop.
        await new Promise((resolve) => setTimeout(resolve, 20));
      } else {
        stats.untyped.push(outcome.error);
      }
    }
  });
  return {
    lastAcked,
    ackedAt,
    stats,
    async stop(): Promise<void> {
      stop = true;
      await Promise.all(loops);
    },
  };
}

/** Resolves with the first `switch-master` for NAME seen by an independent observer. */
function nextSwitch(observer: SentinelService): Promise<SwitchMasterInfo> {
  return new Promise((resolve) => observer.once('switch-master', resolve));
}

function sameAddress(a: SentinelAddress, b: SentinelAddress): boolean {
  return a.host === b.host && a.port === b.port;
}

describe('Sentinel failover (test topology)', () => {
  let sentinel: Sentinel;
  let observer: SentinelService;
  const clients: RedisClient[] = [];

  beforeAll(async () => {
    await requireTopology('sentinel');
    await sentinelTopologyHealthy();
    sentinel = new Sentinel({ sentinels: SENTINEL.sentinels });
    // An independent Sentinel (own event subscription) to time the failover from outside the client under test.
    observer = new SentinelService({ sentinels: SENTINEL.sentinels }, NAME);
    await observer.watching();
  }, 120_000);

  // Each test may fail over: the next starts on a settled topology (no failover still in progress: INPROG).
  beforeEach(() => sentinelTopologyHealthy(), 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    await observer?.close();
    await sentinel?.close();
    await sentinelTopologyHealthy();
  }, 120_000);

  it('moves 100 concurrent writers to the new master on SENTINEL FAILOVER without hangs or silent loss', async () => {
    const client = sentinel.master(NAME);
    clients.push(client);
    await sentinel.watching();
    const oldMaster = await sentinel.discoverMaster(NAME);
    expect(await servingPort(client)).toBe(oldMaster.port);

    // A subscriber on the master: the sentinels kill its connection when they demote the node; it must come back.
    const received: string[] = [];
    await client.subscribe('failover:news', (message) => received.push(String(message)));

    const prefix = `failover:${Date.now()}`;
    const writers = startWriters(client, prefix, 100);
    await waitUntil('writers warmed up', async () => writers.stats.acked >= 1000, 30_000, 50);

    const switched = nextSwitch(observer);
    const requestedAt = Date.now();
    await observer.failover();
    const info = await switched;
    expect(sameAddress(info.to, oldMaster)).toBe(false);

    // Writing to the new master: a SET acknowledged on the same socket as a CONFIG GET port naming the new master.
    const onNewMaster = await waitUntil('a write on the new master', async () => {
      const [set, port] = await Promise.all([client.set('failover:probe', String(Date.now())), servingPort(client)]);
      return set === 'OK' && port === info.to.port ? Date.now() : undefined;
    }, 30_000, 50);
    const writingAfterMs = onNewMaster - info.at;
    // Keep writing a little on the new master, then stop and let every writer settle.
    const target = writers.stats.acked + 1000;
    await waitUntil('writes on the new master', async () => writers.stats.acked >= target, 30_000, 50);
    await writers.stop();

    const lastFailover = await waitUntil('failover-end on the observer', async () => observer.lastFailover, 30_000, 50);
    // Subscriptions were re-established: a message published after the switch arrives.
    await waitUntil('a pub/sub message after the failover', async () => {
      await client.call('PUBLISH', 'failover:news', 'after-switch');
      return received.includes('after-switch') ? true : undefined;
    }, 30_000, 50);
    console.log(
      `[sentinel] SENTINEL FAILOVER ${oldMaster.port} -> ${info.to.port}: +switch-master ${info.at - requestedAt} ms after ` +
        `the request; client writing to the new master ${writingAfterMs} ms after +switch-master; observer's ` +
        `failover duration ${lastFailover.durationMs} ms; ${writers.stats.acked} writes acknowledged; errors ` +
        `${JSON.stringify(Object.fromEntries(writers.stats.errors))}`,
    );
    expect(writers.stats.hangs).toBe(0);
    expect(writers.stats.untyped).toEqual([]);

    // Read back every key from the new master: the last acknowledged value, unless the old master acknowledged it
    // after the promotion (async replication: those writes are lost with the old master's data).
    let lostAfterPromotion = 0;
    const lostBeforeRequest: string[] = [];
    for (let i = 0; i < 100; i++) {
      const value = Number((await client.get(`${prefix}:${i}`)) ?? 0);
      if (value >= writers.lastAcked[i]!) continue;
      if (writers.ackedAt[i]! >= requestedAt) lostAfterPromotion += 1;
      else lostBeforeRequest.push(`key ${i}: read ${value}, acked ${writers.lastAcked[i]}`);
    }
    console.log(`[sentinel] after the failover: ${lostAfterPromotion} of 100 keys lost a write the old master acknowledged after the promotion`);
    expect(lostBeforeRequest).toEqual([]);
    expect(await servingPort(client)).toBe(info.to.port);
  }, 120_000);

  it('keeps a replica client reading during a master failover', async () => {
    const writer = sentinel.master(NAME);
    const reader = sentinel.replica(NAME);
    clients.push(writer, reader);
    const key = `failover:replica-read:${Date.now()}`;
    await writer.set(key, 'stable-value');
    await writer.call('WAIT', '2', '2000');

    let requestedAt = Number.POSITIVE_INFINITY;
    let switchedAt = Number.POSITIVE_INFINITY;
    const counts = { before: 0, during: 0, after: 0, wrong: 0, hangs: 0 };
    const errors = new Map<string, number>();
    const untyped: unknown[] = [];
    let stop = false;
    const loops = Array.from({ length: 20 }, async () => {
      // Bounded: a failing test stops its load too.
      const loadDeadline = Date.now() + 180_000;
      while (!stop && Date.now() < loadDeadline) {
        const outcome = await settle(reader.get(key));
        const now = Date.now();
        if (outcome.ok) {
          if (outcome.value !== 'stable-value') counts.wrong += 1;
          else if (now < requestedAt) counts.before += 1;
          else if (now < switchedAt) counts.during += 1;
          else counts.after += 1;
        } else if (outcome.hung) {
          counts.hangs += 1;
          return;
        } else if (outcome.error instanceof RedisError) {
          errors.set(outcome.error.name, (errors.get(outcome.error.name) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 20));
        } else {
          untyped.push(outcome.error);
        }
      }
    });
    await waitUntil('reads before the failover', async () => counts.before >= 100, 30_000, 50);
    const switched = nextSwitch(observer);
    requestedAt = Date.now();
    await observer.failover();
    switchedAt = (await switched).at;
    await waitUntil('reads after the failover', async () => counts.after >= 1000, 30_000, 50);
    stop = true;
    await Promise.all(loops);
    console.log(
      `[sentinel] replica reads through a failover: ${counts.before} before, ${counts.during} during ` +
        `(${switchedAt - requestedAt} ms), ${counts.after} after; errors ${JSON.stringify(Object.fromEntries(errors))}`,
    );
    expect(counts.hangs).toBe(0);
    expect(untyped).toEqual([]);
    expect(counts.wrong).toBe(0);
    expect(counts.during).toBeGreaterThan(0);
  }, 120_000);

  it('recovers from SIGKILL of the master after the down-after period', async () => {
    await sentinelTopologyHealthy();
    const client = sentinel.master(NAME);
    clients.push(client);
    await sentinel.watching();
    const oldMaster = await sentinel.discoverMaster(NAME);
    expect(await servingPort(client)).toBe(oldMaster.port);
    const writers = startWriters(client, `sigkill:${Date.now()}`, 20);
    await waitUntil('writers warmed up', async () => writers.stats.acked >= 200, 30_000, 50);

    const pid = pidOf(oldMaster.port);
    const switched = nextSwitch(observer);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const info = await switched;
    const onNewMaster = await waitUntil('a write on the new master', async () => {
      const [set, port] = await Promise.all([client.set('sigkill:probe', String(Date.now())), servingPort(client)]);
      return set === 'OK' && port === info.to.port ? Date.now() : undefined;
    }, 30_000, 50);
    const target = writers.stats.acked + 200;
    await waitUntil('writes on the new master', async () => writers.stats.acked >= target, 30_000, 50);
    await writers.stop();
    console.log(
      `[sentinel] SIGKILL of master ${oldMaster.port}: +switch-master after ${info.at - killedAt} ms ` +
        `(down-after ${SENTINEL.downAfterMs} ms), client writing to the new master ${info.to.port} after ` +
        `${onNewMaster - killedAt} ms (${onNewMaster - info.at} ms after +switch-master); errors ` +
        `${JSON.stringify(Object.fromEntries(writers.stats.errors))}`,
    );
    expect(writers.stats.hangs).toBe(0);
    expect(writers.stats.untyped).toEqual([]);
    expect(info.to.port).not.toBe(oldMaster.port);

    // Put the killed server back (it rejoins as a replica) before the next suite runs.
    await startServer(oldMaster.port);
    await sentinelTopologyHealthy();
  }, 180_000);

  it('moves its event subscription to another sentinel when that sentinel dies', async () => {
    await sentinelTopologyHealthy();
    const watcher = new Sentinel({ sentinels: SENTINEL.sentinels });
    try {
      const first = await watcher.watching();
      const pid = pidOf(first.port);
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const next = await waitUntil('a subscription on another sentinel', async () => {
        const now = await watcher.watching(1000).catch(() => undefined);
        return now !== undefined && now.port !== first.port ? now : undefined;
      }, 30_000, 50);
      console.log(`[sentinel] event subscription moved from sentinel ${first.port} to ${next.port} ${Date.now() - killedAt} ms after SIGKILL`);
      expect(SENTINEL.sentinels.map((s) => s.port)).toContain(next.port);
      // Discovery still works with a dead sentinel in the list.
      expect(SENTINEL.redisPorts).toContain((await watcher.discoverMaster(NAME)).port);
      await run('redis-server', [join(REDWIRE_TMP, 'sentinel', `${first.port}.conf`), '--sentinel'], { timeout: 10_000 });
      await sentinelTopologyHealthy();
    } finally {
      await watcher.close();
    }
  }, 120_000);
});
