/**
 * A cluster command is bounded by its timeout as a whole: redirections, retries and backoffs included. Uses a fake
 * slot table whose node either answers TRYAGAIN, stalls (the connection's timeout fires, as with a SIGSTOPped node),
 * or never hands out a lease.
 */
import { jest } from '@jest/globals';
import { ClusterExecutor } from '../../lib/cluster/cluster-executor.js';
import type { NodesManager } from '../../lib/cluster/nodes-manager.js';
import type { ClusterNodeInfo } from '../../lib/cluster/cluster-topology.js';
import type { Route } from '../../lib/cluster/command-router.js';
import { TimeoutError, TryAgainError } from '../../lib/errors/index.js';
import type { PoolCommandOptions } from '../../lib/pool/pool-connection.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';

const NODE: ClusterNodeInfo = { address: '127.0.0.1:7999', host: '127.0.0.1', port: 7999, id: undefined, role: 'primary', health: 'online' };
const COMMAND_TIMEOUT = 200;
type Behaviour = 'tryagain' | 'stall';

/** A node pool whose commands follow `script` (last entry repeats); a stalled command fails at its timeout. */
function fakeCluster(script: Behaviour[], leases: 'never' | 'none' = 'none') {
  const timeouts: (number | undefined)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pool = {
    closed: false,
    endpointLabel: NODE.address,
    sendCommand(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<unknown> {
      timeouts.push(options?.timeout);
      const step = script[Math.min(timeouts.length - 1, script.length - 1)];
      if (step === 'tryagain') return Promise.reject(new TryAgainError('TRYAGAIN Multiple keys request during rehashing of slot'));
      const timeout = options?.timeout ?? COMMAND_TIMEOUT; // the connection's own commandTimeout
      return new Promise((_, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reject(new TimeoutError(`${String(args[0])} timed out`, 'command', timeout, { written: true, endpoint: NODE.address }));
        }, timeout);
        timers.add(timer);
      });
    },
    acquire(): Promise<never> {
      if (leases === 'never') return new Promise(() => undefined);
      return Promise.reject(new Error('unexpected lease'));
    },
    release: () => undefined,
  };
  const nodes = {
    loaded: true,
    table: { primaryAddressOf: () => NODE.address },
    nodeForSlot: () => NODE,
    randomPrimary: () => NODE,
    randomNode: () => NODE,
    poolFor: () => pool,
    refresh: () => Promise.resolve(),
    nodeFromRedirect: () => NODE,
    applyMoved: () => undefined,
  } as unknown as NodesManager;
  return { nodes, timeouts, clear: () => timers.forEach(clearTimeout) };
}

const PENDING = 'still pending';

/**
 * Runs the fake clock to 1 ms before `deadline` (the command must still be pending then: nothing may settle it
 * early), then to the deadline, and returns what the command settled with by then, or PENDING (it hangs).
 */
async function outcomeAtDeadline(work: Promise<unknown>, deadline: number): Promise<unknown> {
  let outcome: unknown = PENDING;
  void work.then((value) => (outcome = { value }), (error: unknown) => (outcome = error));
  await jest.advanceTimersByTimeAsync(deadline - 1);
  expect(outcome).toBe(PENDING);
  await jest.advanceTimersByTimeAsync(1);
  return outcome;
}

// The command's deadline passes when the test moves the clock, never because a slow machine ran late.
beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

const READ: Route = { kind: 'slot', slot: 42, readonly: true };
const WRITE: Route = { kind: 'slot', slot: 42, readonly: false };

describe('ClusterExecutor: one deadline per command', () => {
  it('a read whose node stalls after TRYAGAINs settles with TimeoutError; each retry gets only the time left', async () => {
    const fake = fakeCluster(['tryagain', 'tryagain', 'stall']);
    try {
      const executor = new ClusterExecutor(fake.nodes, 16, (n) => 20 * n, COMMAND_TIMEOUT);
      const outcome = await outcomeAtDeadline(executor.run(['GET', 'k'], READ, {}), COMMAND_TIMEOUT);
      expect(outcome).toBeInstanceOf(TimeoutError);
      const error = outcome as TimeoutError;
      expect(error).toMatchObject({ kind: 'command', command: 'GET', endpoint: NODE.address, written: true, timeout: COMMAND_TIMEOUT });
      expect(error.message).toMatch(/slot 42/);
      expect(error.message).toMatch(/127\.0\.0\.1:7999/);
      // The first attempt keeps the connection's own timeout (the whole deadline); later ones get what is left.
      expect(fake.timeouts[0]).toBeUndefined();
      expect(fake.timeouts).toHaveLength(3);
      for (const t of fake.timeouts.slice(1)) expect(t).toBeLessThan(COMMAND_TIMEOUT);
      expect(fake.timeouts[2]!).toBeLessThanOrEqual(fake.timeouts[1]!);
    } finally {
      fake.clear();
    }
  });

  it('a read on a stalled node is not retried past its deadline (no more attempts after the timeout)', async () => {
    const fake = fakeCluster(['stall']);
    try {
      const executor = new ClusterExecutor(fake.nodes, 16, () => 10, COMMAND_TIMEOUT);
      const outcome = await outcomeAtDeadline(executor.run(['GET', 'k'], READ, { timeout: 150 }), 150);
      expect(outcome).toBeInstanceOf(TimeoutError);
      expect(fake.timeouts).toEqual([150]);
    } finally {
      fake.clear();
    }
  });

  it('backoff sleeps are cut at the deadline: TRYAGAIN forever with long backoffs ends in TimeoutError, written false', async () => {
    const fake = fakeCluster(['tryagain']);
    const executor = new ClusterExecutor(fake.nodes, 16, () => 60_000, COMMAND_TIMEOUT);
    const outcome = await outcomeAtDeadline(executor.run(['SET', 'k', 'v'], WRITE, {}), COMMAND_TIMEOUT);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ kind: 'command', command: 'SET', written: false });
    expect((outcome as Error).message).toMatch(/was not run/);
    expect((outcome as Error).cause).toBeInstanceOf(TryAgainError);
  });

  it('a blocking command waiting for a lease that never comes settles at its deadline, not sent', async () => {
    const fake = fakeCluster(['stall'], 'never');
    const executor = new ClusterExecutor(fake.nodes, 16, () => 10, COMMAND_TIMEOUT);
    const outcome = await outcomeAtDeadline(executor.run(['BLPOP', 'k', '1'], WRITE, { blocking: true, timeout: 150 }), 150);
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ kind: 'command', written: false });
  });

  it('without any timeout the old behaviour stays: retries up to maxRedirections', async () => {
    const fake = fakeCluster(['tryagain']);
    const executor = new ClusterExecutor(fake.nodes, 3, () => 1, 0);
    const running = executor.run(['GET', 'k'], READ, {}).catch((error: unknown) => error);
    await jest.runAllTimersAsync(); // the 1 ms backoffs between the attempts
    const outcome = await running;
    expect((outcome as Error).name).toBe('RedirectionLimitError');
    expect(fake.timeouts).toEqual([undefined, undefined, undefined, undefined]);
  });
});
