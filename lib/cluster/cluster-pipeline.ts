import type { MovedError } from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';
import { FailedCall, type PipelineResult, type QueuedCall } from '../client/call-recorder.js';
import { TypedCommandBatch } from '../client/pipeline.js';
import type { PipelineApi } from '../client/batch-api.js';
import { attemptOptions } from './cluster-executor.js';
import type { ClusterRunner } from './cluster-runner.js';
import type { Route } from './command-router.js';
import { classify } from './redirect-policy.js';

export type { PipelineResult };

const noop = (): void => undefined;

/**
 * A cluster pipeline: commands are grouped by node, each group written in one go on the node's shared connection,
 * groups run in parallel. A command whose failure the redirect policy retries (MOVED, ASK, TRYAGAIN, CLUSTERDOWN,
 * MASTERDOWN, a connection error it survives) is followed on its own through the executor's redirection loop. One command failing does not fail the others. Queues like the standalone
 * `Pipeline` (same typed methods, one-shot `exec()`, `[error, result]` per command).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-unused-vars -- the interface of the same name adds the generated, per-position typed methods (R types them)
export class ClusterPipeline<R extends unknown[] = []> extends TypedCommandBatch {
  constructor(runner: ClusterRunner) {
    super((queued) => runClusterPipeline(runner, queued));
  }
}

async function runClusterPipeline(runner: ClusterRunner, queued: readonly QueuedCall[]): Promise<PipelineResult> {
  // Every command's deadline runs from exec(): routing, redirections and retries all fit inside it.
  const started = Date.now();
  await runner.ready();
  const { router, executor } = runner;
  const nodes = executor.nodes;
  const settled: Promise<RespValue>[] = new Array(queued.length);
  // Commands of one slot that leave the batch (redirected, retried, or sent while the slot has no known node) run
  // one after another in pipeline order: after a failover a SET and the GET behind it may both be redirected, and
  // the GET must not overtake the SET on the new node (found by the chaos soak: the GET read the value before).
  const tails = new Map<number, Promise<unknown>>();
  const inOrder = (slot: number, run: () => Promise<RespValue>): Promise<RespValue> => {
    const before = tails.get(slot);
    const result = before === undefined ? run() : before.then(run);
    tails.set(slot, result.then(noop, noop));
    return result;
  };
  const groups = new Map<string, { index: number; route: Route }[]>();
  const routeErrors = new Map<number, unknown>();
  const routes = await Promise.all(queued.map((q, i) => (q instanceof FailedCall
    ? Promise.resolve(undefined)
    : Promise.resolve().then(() => router.routeSync(q.args) ?? router.route(q.args)).catch((error: unknown) => {
      routeErrors.set(i, error);
      return undefined;
    }))));
  queued.forEach((q, i) => {
    if (q instanceof FailedCall) {
      settled[i] = q.failed as Promise<RespValue>;
      return;
    }
    const route = routes[i];
    if (route === undefined) {
      settled[i] = Promise.reject(routeErrors.get(i));
      return;
    }
    if (route.kind !== 'slot') {
      const options = runner.sendOptions(q);
      settled[i] = executor.run(q.args, route, options, executor.deadlineOf(options, started));
      return;
    }
    let address: string;
    try {
      address = nodes.nodeForSlot(route.slot, route.readonly).address;
    } catch {
      const options = runner.sendOptions(q);
      settled[i] = inOrder(route.slot, () => executor.run(q.args, route, options, executor.deadlineOf(options, started)));
      return;
    }
    let group = groups.get(address);
    if (group === undefined) groups.set(address, (group = []));
    group.push({ index: i, route });
  });
  for (const group of groups.values()) {
    // Same tick, same shared connection per node: the connection coalesces the group into one write.
    for (const { index, route } of group) {
      const call = queued[index] as Exclude<QueuedCall, FailedCall>;
      const options = runner.sendOptions(call);
      // One deadline per command for the whole exec: the redirection loop after a MOVED gets what is left of it.
      const deadline = executor.deadlineOf(options, started);
      const node = nodes.nodeForSlot(route.kind === 'slot' ? route.slot : 0, route.readonly);
      const slot = route.kind === 'slot' ? route.slot : -1;
      // Failures arrive in reply order (one connection per node), so retries join their slot's queue in order.
      settled[index] = executor.sendTo(node, call.args, attemptOptions(options, deadline), false, deadline).catch((error: unknown) => {
        const action = classify(error, { readonly: route.readonly });
        if (action === 'give-up') throw error;
        // MOVED patches the table now, so the loop (and the pipeline's other commands of the slot) go straight there.
        if (action === 'follow-moved') executor.policy.redirectTarget(error as MovedError, node.host);
        return inOrder(slot, () => executor.run(call.args, route, options, deadline));
      });
    }
  }
  return Promise.all(queued.map((q, i) => (settled[i] as Promise<RespValue>).then(
    (reply): [Error | null, unknown] => {
      const transform = q instanceof FailedCall ? undefined : q.transform;
      try {
        return [null, transform === undefined ? reply : transform(reply)];
      } catch (error) {
        return [error as Error, null];
      }
    },
    (error: unknown): [Error | null, unknown] => [error as Error, null],
  )));
}

// The typed methods, returning the pipeline.
export interface ClusterPipeline<R extends unknown[] = []> extends PipelineApi<R> {}
