/**
 * Commands of one slot that leave a cluster pipeline's batch (retried after TRYAGAIN/MOVED/never-sent) run in
 * pipeline order, so a GET behind a SET cannot overtake it on the new node. The chaos soak found that overtaking
 * during CLUSTER FAILOVER (the GET read the value from before the SET). A fake runner makes the SET's retry slow and
 * the GET's fast.
 */
import { ClusterPipeline } from '../../lib/cluster/cluster-pipeline.js';
import type { ClusterRunner } from '../../lib/cluster/cluster-runner.js';
import type { Route } from '../../lib/cluster/command-router.js';
import { ConnectionError, MasterDownError, TryAgainError } from '../../lib/errors/index.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

const NODE = { address: '127.0.0.1:7999', host: '127.0.0.1', port: 7999 };

function fakeRunner(slotOf: (key: string) => number,
  firstFailure: (args: readonly RedisArg[]) => Error = () => new TryAgainError('TRYAGAIN slot is moving')) {
  const events: string[] = [];
  let value = 'old';
  const executor = {
    nodes: { nodeForSlot: () => NODE, applyMoved: () => undefined, nodeFromRedirect: () => NODE },
    deadlineOf: () => 0,
    // First attempt: every command fails as if its slot were being moved.
    sendTo: (_node: unknown, args: readonly RedisArg[]): Promise<RespValue> => {
      events.push(`try ${String(args[0])}`);
      return Promise.reject(firstFailure(args));
    },
    // The retry: a SET is slow (a backoff, a refresh), a GET fast.
    run: async (args: readonly RedisArg[]): Promise<RespValue> => {
      const name = String(args[0]);
      events.push(`start ${name} ${String(args[1])}`);
      if (name === 'SET') {
        await new Promise((resolve) => setTimeout(resolve, 30));
        value = String(args[2]);
        events.push(`done SET ${String(args[1])}`);
        return 'OK';
      }
      events.push(`done GET ${String(args[1])}`);
      return value;
    },
  };
  const runner = {
    ready: () => Promise.resolve(),
    router: { routeSync: (args: readonly RedisArg[]): Route => ({ kind: 'slot', slot: slotOf(String(args[1])), readonly: args[0] === 'GET' }) },
    executor,
    sendOptions: () => ({}),
    execute: () => Promise.reject(new Error('unused')),
  } as unknown as ClusterRunner;
  return { runner, events };
}

describe('cluster pipeline retries', () => {
  it('keep pipeline order within a slot: the GET behind a SET sees the SET', async () => {
    const { runner, events } = fakeRunner(() => 42);
    const results = await new ClusterPipeline(runner).call('SET', 'k', 'new').call('GET', 'k').exec();
    expect(results).toEqual([[null, 'OK'], [null, 'new']]);
    expect(events.indexOf('start GET k')).toBeGreaterThan(events.indexOf('done SET k'));
  });

  it('do not serialise different slots', async () => {
    const { runner, events } = fakeRunner((key) => (key === 'a' ? 1 : 2));
    const results = await new ClusterPipeline(runner).call('SET', 'a', 'new').call('GET', 'b').exec();
    expect(results).toEqual([[null, 'OK'], [null, 'old']]);
    // The GET of another slot did not wait for the slow SET.
    expect(events.indexOf('done GET b')).toBeLessThan(events.indexOf('done SET a'));
  });
});

describe('cluster pipeline failures', () => {
  it('are retried by the same policy as single commands: MASTERDOWN, and a read whose connection broke', async () => {
    const { runner, events } = fakeRunner(() => 42, (args) => (args[0] === 'SET'
      ? new MasterDownError('MASTERDOWN Link with MASTER is down')
      : Object.assign(new ConnectionError('socket closed'), { written: true })));
    const results = await new ClusterPipeline(runner).call('SET', 'k', 'new').call('GET', 'k').exec();
    expect(results).toEqual([[null, 'OK'], [null, 'new']]);
    expect(events).toContain('start SET k');
    expect(events).toContain('start GET k');
  });

  it('a write whose connection broke after it was written is not resent', async () => {
    const { runner, events } = fakeRunner(() => 42, () => Object.assign(new ConnectionError('socket closed'), { written: true }));
    const [[error]] = await new ClusterPipeline(runner).call('SET', 'k', 'new').exec() as [[Error | null, unknown]];
    expect(error).toBeInstanceOf(ConnectionError);
    expect(events).toEqual(['try SET']);
  });
});
