import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { Connection } from '../../lib/connection/connection.js';
import { RedisError } from '../../lib/errors/index.js';
import type { PoolConnection } from '../../lib/pool/pool-connection.js';
import { Sentinel, type SwitchMasterInfo } from '../../lib/sentinel/sentinel.js';
import type { SentinelAddress } from '../../lib/sentinel/sentinel-event.js';
import { SentinelService } from '../../lib/sentinel/sentinel-service.js';
import { REDWIRE_TMP, requireTopology, SENTINEL } from '../support/topology.js';

const run = promisify(execFile);
const NAME = SENTINEL.masterName;
const connectionFactory = (options: ConstructorParameters<typeof Connection>[0]): PoolConnection => new Connection(options);
/** A command still unsettled after this long is reported as a hang (nothing in these tests should take > 2-3 s). */
const HANG_MS = 15_000;

/** Restarts whatever is down and waits until the script's health check passes (replication up, sentinels agree). */
async function topologyHealthy(): Promise<void> {
  await run('bash', ['test/scripts/topology.sh', 'up', 'sentinel'], { timeout: 90_000 });
}

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

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Port of the node the client's shared connection is on (same socket as the command just before it). */
async function portOf(client: RedisClient): Promise<number> {
  const reply = await client.call('CONFIG', 'GET', 'port');
  const values = Array.isArray(reply) ? reply : Object.values(reply as object);
  return Number(values[values.length - 1]);
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
    while (!stop) {
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
    await topologyHealthy();
    sentinel = new Sentinel({ sentinels: SENTINEL.sentinels, connectionFactory });
    // An independent Sentinel (own event subscription) to time the failover from outside the client under test.
    observer = new SentinelService({ sentinels: SENTINEL.sentinels, connectionFactory }, NAME);
    await until('the observer subscription', async () => (observer.sentinel.sentinels.length > 0 ? true : undefined));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    await observer?.close();
    await sentinel?.close();
    await topologyHealthy();
  }, 120_000);

  it('moves 100 concurrent writers to the new master on SENTINEL FAILOVER without hangs or silent loss', async () => {
    const client = sentinel.master(NAME);
    clients.push(client);
    const oldMaster = await sentinel.discoverMaster(NAME);
    expect(await portOf(client)).toBe(oldMaster.port);

    const prefix = `failover:${Date.now()}`;
    const writers = startWriters(client, prefix, 100);
    await until('writers warmed up', async () => (writers.stats.acked >= 1000 ? true : undefined));

    const switched = nextSwitch(observer);
    const requestedAt = Date.now();
    await observer.failover();
    const info = await switched;
    expect(sameAddress(info.to, oldMaster)).toBe(false);

    // Writing to the new master: a SET acknowledged on the same socket as a CONFIG GET port naming the new master.
    const onNewMaster = await until('a write on the new master', async () => {
      const [set, port] = await Promise.all([client.set('failover:probe', String(Date.now())), portOf(client)]);
      return set === 'OK' && port === info.to.port ? Date.now() : undefined;
    });
    const writingAfterMs = onNewMaster - info.at;
    // Keep writing a little on the new master, then stop and let every writer settle.
    const target = writers.stats.acked + 1000;
    await until('writes on the new master', async () => (writers.stats.acked >= target ? true : undefined));
    await writers.stop();

    const lastFailover = await until('failover-end on the observer', async () => observer.lastFailover);
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
    expect(await portOf(client)).toBe(info.to.port);
  }, 120_000);
});
