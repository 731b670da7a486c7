/**
 * No acknowledged write lost in a planned failover (issue 14). 40 writers RPUSH increasing numbers, each to its own
 * list, through a Sentinel client with default options; after the failover every value the client acknowledged is
 * looked for on the new master. Also: the master and a sentinel the client listens to frozen (SIGSTOP) together
 * while the other two fail over.
 */
import type { RedisClient } from '../../lib/client/redis-client.js';
import { RedisError } from '../../lib/errors/index.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { Sentinel, type FailoverHoldInfo, type SwitchMasterInfo } from '../../lib/sentinel/sentinel.js';
import { toMasterAddress } from '../../lib/sentinel/sentinel-reply.js';
import { adminCall, pidOf, sentinelTopologyHealthy, servingPort } from '../support/sentinel-admin.js';
import { requireTopology, SENTINEL } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const NAME = SENTINEL.masterName;
const WRITERS = 40;
/** A command unsettled after this long counts as hung (and its writer stops). */
const HANG_MS = 15_000;
/** The default failoverHoldTimeout. */
const HOLD_DEADLINE_MS = 5000;

async function masterPort(): Promise<number> {
  const addr = toMasterAddress((await adminCall(SENTINEL.sentinels[0]!.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME])) as RespValue);
  if (addr === undefined) throw new Error(`sentinel does not know ${NAME}`);
  return addr.port;
}

interface LoadResult {
  sent: number;
  acked: number;
  failed: Record<string, number>;
  untyped: unknown[];
  hung: number;
  /** Longest time one write took to settle (ms). */
  longestWriteMs: number;
  /** Acknowledged values per writer. */
  ackedValues: number[][];
}

/** WRITERS loops, each RPUSHing 1, 2, 3, ... to its own list; every acknowledgement is remembered. */
function startWriters(client: RedisClient, prefix: string) {
  const result: LoadResult = { sent: 0, acked: 0, failed: {}, untyped: [], hung: 0, longestWriteMs: 0, ackedValues: [] };
  let stop = false;
  const loops = Array.from({ length: WRITERS }, async (_, i) => {
    const acked: number[] = [];
    result.ackedValues[i] = acked;
    let n = 0;
    // Bounded: a failing test stops its load too.
    const loadDeadline = Date.now() + 180_000;
    while (!stop && Date.now() < loadDeadline) {
      n += 1;
      result.sent += 1;
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), HANG_MS);
      });
      const outcome = await Promise.race([
        client.rpush(`${prefix}:${i}`, String(n)).then(() => 'ok' as const, (error: unknown) => error),
        hang,
      ]);
      clearTimeout(timer);
      result.longestWriteMs = Math.max(result.longestWriteMs, Date.now() - started);
      if (outcome === 'ok') {
        acked.push(n);
        result.acked += 1;
      } else if (outcome === 'hung') {
        result.hung += 1;
        return;
      } else if (outcome instanceof RedisError) {
        result.failed[outcome.name] = (result.failed[outcome.name] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      } else {
        result.untyped.push(outcome);
        return;
      }
    }
  });
  return {
    result,
    async stop(): Promise<LoadResult> {
      stop = true;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Acknowledged values absent from the lists on `port` (counted per acknowledgement). */
async function ackedButAbsent(port: number, prefix: string, result: LoadResult): Promise<{ lost: number; samples: string[] }> {
  let lost = 0;
  const samples: string[] = [];
  for (let i = 0; i < WRITERS; i++) {
    const stored = new Set(((await adminCall(port, ['LRANGE', `${prefix}:${i}`, '0', '-1'])) as string[]).map(Number));
    for (const value of result.ackedValues[i] ?? []) {
      if (stored.has(value)) continue;
      lost += 1;
      if (samples.length < 5) samples.push(`list ${i}: acked ${value}, not on ${port}`);
    }
  }
  return { lost, samples };
}

function nextSwitch(sentinel: Sentinel): Promise<SwitchMasterInfo> {
  return new Promise((resolve) => sentinel.once('switch-master', resolve));
}

describe('Sentinel failover without losing acknowledged writes (test topology)', () => {
  let sentinel: Sentinel | undefined;
  let client: RedisClient | undefined;

  beforeAll(async () => {
    await requireTopology('sentinel');
    await sentinelTopologyHealthy({ thaw: true });
  }, 120_000);

  afterEach(async () => {
    await client?.disconnect().catch(() => undefined);
    await sentinel?.close();
    client = undefined;
    sentinel = undefined;
    await sentinelTopologyHealthy({ thaw: true });
  }, 120_000);

  it('SENTINEL FAILOVER under 40 writers: 0 acknowledged writes absent from the new master, none hung', async () => {
    sentinel = new Sentinel({ sentinels: SENTINEL.sentinels });
    client = sentinel.master(NAME);
    await sentinel.watching();
    const oldMaster = await masterPort();
    expect(await servingPort(client)).toBe(oldMaster);
    await waitUntil('every sentinel listened to', async () => sentinel!.listeningTo.length === 3, 10_000, 50);
    const holds: FailoverHoldInfo[] = [];
    sentinel.on('failover-release', (info: FailoverHoldInfo) => holds.push(info));

    const prefix = `noloss:${Date.now()}`;
    const writers = startWriters(client, prefix);
    await waitUntil('writers warmed up', async () => writers.result.acked >= 2000, 30_000, 50);
    const switched = nextSwitch(sentinel);
    // Asked of the last sentinel: not the first one of the client's list.
    const requestedAt = Date.now();
    await adminCall(SENTINEL.sentinels[2]!.port, ['SENTINEL', 'FAILOVER', NAME]);
    const info = await switched;
    expect(info.to.port).not.toBe(oldMaster);
    const target = writers.result.acked + 2000;
    await waitUntil('writes after the switch', async () => writers.result.acked >= target, 30_000, 50);
    const result = await writers.stop();
    const { lost, samples } = await ackedButAbsent(info.to.port, prefix, result);
    console.log(
      `[sentinel no-loss] SENTINEL FAILOVER ${oldMaster} -> ${info.to.port}: switch ${info.at - requestedAt} ms after the ` +
        `request; sent ${result.sent}, acked ${result.acked}, acked-but-absent ${lost}, hung ${result.hung}, longest ` +
        `write ${result.longestWriteMs} ms, failed ${JSON.stringify(result.failed)}, holds ${JSON.stringify(holds.map((h) => [h.reason, h.heldMs, h.released]))}`,
    );
    expect(samples).toEqual([]);
    expect(lost).toBe(0);
    expect(result.hung).toBe(0);
    expect(result.untyped).toEqual([]);
    expect(result.longestWriteMs).toBeLessThan(HOLD_DEADLINE_MS);
    expect(holds.map((h) => h.reason)).toContain('switched');
    expect(await servingPort(client)).toBe(info.to.port);
  }, 120_000);

  it('master and a listened-to sentinel frozen together: commands settle, writes go to the master the others elected', async () => {
    sentinel = new Sentinel({ sentinels: SENTINEL.sentinels });
    client = sentinel.master(NAME);
    const listened = await sentinel.watching();
    const oldMaster = await masterPort();
    expect(await servingPort(client)).toBe(oldMaster);
    const prefix = `freeze:${Date.now()}`;
    const writers = startWriters(client, prefix);
    await waitUntil('writers warmed up', async () => writers.result.acked >= 1000, 30_000, 50);
    const switched = nextSwitch(sentinel);
    const frozen = [pidOf(oldMaster), pidOf(listened.port)];
    const frozenAt = Date.now();
    let info: SwitchMasterInfo;
    let writingAt: number;
    let silentDroppedAt: number;
    try {
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      // The frozen sentinel's subscription is found silent (PING) and dropped.
      silentDroppedAt = await waitUntil('the frozen sentinel dropped', async () =>
        sentinel!.listeningTo.every((s) => s.port !== listened.port) ? Date.now() : undefined, 10_000, 50);
      info = await switched;
      const target = writers.result.acked + 1000;
      writingAt = await waitUntil('writes on the elected master', async () =>
        (writers.result.acked >= target ? Date.now() : undefined), 30_000, 50);
      expect(await servingPort(client)).toBe(info.to.port);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    // After SIGCONT the old master is still a master until the sentinels demote it: nothing may go there.
    const target = writers.result.acked + 2000;
    await waitUntil('writes after SIGCONT', async () => writers.result.acked >= target, 30_000, 50);
    const result = await writers.stop();
    await waitUntil('the old master demoted', async () =>
      ((await adminCall(oldMaster, ['ROLE'])) as RespValue[])[0] === 'slave' ? true : undefined, 60_000, 50);
    const { lost, samples } = await ackedButAbsent(info.to.port, prefix, result);
    console.log(
      `[sentinel no-loss] master ${oldMaster} + sentinel ${listened.port} frozen: silent sentinel dropped after ` +
        `${silentDroppedAt - frozenAt} ms, switch to ${info.to.port} after ${info.at - frozenAt} ms, writing there after ` +
        `${writingAt - frozenAt} ms; sent ${result.sent}, acked ${result.acked}, acked-but-absent ${lost}, hung ` +
        `${result.hung}, longest write ${result.longestWriteMs} ms, failed ${JSON.stringify(result.failed)}`,
    );
    expect(result.hung).toBe(0);
    expect(result.untyped).toEqual([]);
    expect(samples).toEqual([]);
    expect(lost).toBe(0);
    expect(info.to.port).not.toBe(oldMaster);
  }, 180_000);
});
