/**
 * The cluster's one redirect/retry policy as a table: every error the executor, pipeline, transaction and watch can
 * meet, for a read and a write, and what happens next. Then the policy's two effects: MOVED patches the table, the
 * backoff never waits past the deadline and refreshes only when asked to.
 */
import { jest } from '@jest/globals';
import { classify, RedirectPolicy, type RedirectAction, type RedirectContext } from '../../lib/cluster/redirect-policy.js';
import type { ClusterNodeInfo } from '../../lib/cluster/cluster-topology.js';
import type { NodesManager } from '../../lib/cluster/nodes-manager.js';
import {
  AskError, ClusterDownError, ClusterError, ConnectionError, MasterDownError, MovedError, ReadOnlyError,
  RedirectionLimitError, ResponseError, SlotNotCoveredError, TimeoutError, TryAgainError, WrongTypeError,
} from '../../lib/errors/index.js';

const READ: RedirectContext = { readonly: true };
const WRITE: RedirectContext = { readonly: false };

const unsent = (): ConnectionError => Object.assign(new ConnectionError('socket closed'), { written: false });
const written = (): ConnectionError => Object.assign(new ConnectionError('socket closed'), { written: true });

const cases: [string, () => unknown, RedirectContext, RedirectAction][] = [
  ['MOVED', () => new MovedError('MOVED 42 127.0.0.1:7001'), WRITE, 'follow-moved'],
  ['MOVED (read)', () => new MovedError('MOVED 42 127.0.0.1:7001'), READ, 'follow-moved'],
  ['ASK', () => new AskError('ASK 42 127.0.0.1:7001'), WRITE, 'ask'],
  ['ASK after ASKING (keys split by a migration)', () => new AskError('ASK 42 127.0.0.1:7001'), { readonly: false, asked: true }, 'backoff-retry'],
  ['TRYAGAIN', () => new TryAgainError('TRYAGAIN Multiple keys request during rehashing of slot'), WRITE, 'backoff-retry'],
  ['CLUSTERDOWN', () => new ClusterDownError('CLUSTERDOWN The cluster is down'), WRITE, 'refresh-and-retry'],
  ['MASTERDOWN', () => new MasterDownError('MASTERDOWN Link with MASTER is down'), READ, 'refresh-and-retry'],
  ['MASTERDOWN (write)', () => new MasterDownError('MASTERDOWN Link with MASTER is down'), WRITE, 'refresh-and-retry'],
  ['connection error, never sent, write', unsent, WRITE, 'refresh-and-retry'],
  ['connection error, written, write (may have run)', written, WRITE, 'give-up'],
  ['connection error, written, read (safe to resend)', written, READ, 'refresh-and-retry'],
  ['pool acquire timeout (unmarked, unsent)', () => new TimeoutError('no connection', 'acquire', 100), WRITE, 'refresh-and-retry'],
  ['command timeout on the wire, write', () => new TimeoutError('timed out', 'command', 100, { written: true }), WRITE, 'give-up'],
  ['command timeout marked unsent, write', () => new TimeoutError('timed out', 'command', 100, { written: false }), WRITE, 'give-up'],
  ['command timeout, read', () => new TimeoutError('timed out', 'command', 100, { written: true }), READ, 'refresh-and-retry'],
  ['connection error, unknown whether sent, write', () => new ConnectionError('reset'), WRITE, 'give-up'],
  ['-READONLY (cluster replicas answer writes with MOVED)', () => new ReadOnlyError("READONLY You can't write against a read only replica."), WRITE, 'give-up'],
  ['WRONGTYPE', () => new WrongTypeError('WRONGTYPE Operation against a key holding the wrong kind of value'), READ, 'give-up'],
  ['other server error', () => new ResponseError('ERR syntax error'), WRITE, 'give-up'],
  ['not an Error', () => 'boom', READ, 'give-up'],
  ['slot not in the table while picking', () => new SlotNotCoveredError('no node', 42), { readonly: false, stage: 'pick' }, 'refresh-and-retry'],
  ['no primary while picking', () => new ClusterError('no primary'), { readonly: true, stage: 'pick' }, 'refresh-and-retry'],
  ['unexpected error while picking', () => new TypeError('bug'), { readonly: true, stage: 'pick' }, 'give-up'],
  ['client closed while sending', () => new ClusterError('The cluster client is closed.'), WRITE, 'give-up'],
  ['redirection limit of an inner loop', () => new RedirectionLimitError('gave up', 42), READ, 'give-up'],
];

describe('cluster redirect policy: classify(error, context)', () => {
  it.each(cases)('%s', (_what, make, ctx, expected) => {
    expect(classify(make(), ctx)).toBe(expected);
  });
});

describe('cluster redirect policy: effects', () => {
  const NODE: ClusterNodeInfo = { address: '10.0.0.2:7001', host: '10.0.0.2', port: 7001, id: undefined, role: 'primary', health: 'online' };

  function fakeNodes() {
    const calls: string[] = [];
    let owner = '10.0.0.1:7000';
    const nodes = {
      table: { primaryAddressOf: () => owner },
      nodeFromRedirect: (host: string, port: number, asked: string) => {
        calls.push(`redirect ${host}:${port} asked ${asked}`);
        return NODE;
      },
      applyMoved: (slot: number, node: ClusterNodeInfo) => calls.push(`moved ${slot} -> ${node.address}`),
      refresh: () => {
        calls.push('refresh');
        return Promise.resolve();
      },
    } as unknown as NodesManager;
    return { nodes, calls, promote: (to: string) => (owner = to) };
  }

  it('MOVED patches the table with the target; ASK does not; an empty host is the host asked', () => {
    const { nodes, calls } = fakeNodes();
    const policy = new RedirectPolicy(nodes, () => 0);
    expect(policy.redirectTarget(new MovedError('MOVED 42 :7001'), '10.0.0.2')).toBe(NODE);
    expect(policy.redirectTarget(new AskError('ASK 43 10.0.0.2:7001'), '10.0.0.1')).toBe(NODE);
    expect(calls).toEqual(['redirect :7001 asked 10.0.0.2', 'moved 42 -> 10.0.0.2:7001', 'redirect 10.0.0.2:7001 asked 10.0.0.1']);
  });

  it('backs off by retryDelay(retry); TRYAGAIN without refreshing, refresh-and-retry re-reading the table meanwhile', async () => {
    jest.useFakeTimers();
    try {
      const { nodes, calls } = fakeNodes();
      const delays: number[] = [];
      const policy = new RedirectPolicy(nodes, (n) => {
        delays.push(n);
        return 1000 * n;
      });
      let done = false;
      const waiting = policy.backoff('backoff-retry', 2, 0).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(1999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
      expect(calls).toEqual([]);
      done = false;
      const refreshing = policy.backoff('refresh-and-retry', 1, 0, { slot: 42, owner: '10.0.0.1:7000' }).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await refreshing;
      // Re-read about every 100 ms while waiting, not once per backoff step.
      expect(calls.length).toBeGreaterThanOrEqual(8);
      expect(calls.length).toBeLessThanOrEqual(11);
      expect(delays).toEqual([2, 1]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refresh-and-retry ends its wait once the table gives the slot another primary (a failover finished)', async () => {
    jest.useFakeTimers();
    try {
      const { nodes, promote } = fakeNodes();
      const policy = new RedirectPolicy(nodes, () => 1000);
      let done = false;
      const waiting = policy.backoff('refresh-and-retry', 10, 0, { slot: 42, owner: '10.0.0.1:7000' }).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(300);
      expect(done).toBe(false);
      promote('10.0.0.3:7003');
      await jest.advanceTimersByTimeAsync(100);
      await waiting;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a refresh that fails stops the re-reading but not the wait', async () => {
    jest.useFakeTimers();
    try {
      let refreshes = 0;
      const nodes = { table: { primaryAddressOf: () => 'a' }, refresh: () => (refreshes++, Promise.reject(new Error('closed'))) } as unknown as NodesManager;
      const policy = new RedirectPolicy(nodes, () => 500);
      let done = false;
      const waiting = policy.backoff('refresh-and-retry', 1, 0, { slot: 1, owner: 'a' }).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(499);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await waiting;
      expect(refreshes).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('never waits past the deadline', async () => {
    jest.useFakeTimers();
    try {
      const { nodes } = fakeNodes();
      const policy = new RedirectPolicy(nodes, () => 60_000);
      let done = false;
      const waiting = policy.backoff('refresh-and-retry', 1, Date.now() + 50).then(() => (done = true));
      await jest.advanceTimersByTimeAsync(50);
      await waiting;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
