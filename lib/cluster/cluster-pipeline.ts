import { AskError, ClusterDownError, ConnectionError, MovedError, TryAgainError } from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';
import type { ChainableCommands } from '../client/commands/redis-commands.js';
import type { CommandCall } from '../client/commands/command-call.js';
import { CallCollector, installChainableMethods } from './call-collector.js';
import { attemptOptions, wasNeverSent } from './cluster-executor.js';
import type { ClusterRunner } from './cluster-runner.js';
import type { Route } from './command-router.js';

/** `[error, result]` per command, in the order the commands were added. */
export type PipelineResult = [Error | null, unknown][];

function retryable(error: unknown): boolean {
  return error instanceof MovedError || error instanceof AskError || error instanceof TryAgainError ||
    error instanceof ClusterDownError || (error instanceof ConnectionError && wasNeverSent(error));
}

/**
 * A cluster pipeline: commands are grouped by node, each group written in one go on the node's shared connection,
 * groups run in parallel. A command answered with MOVED/ASK/TRYAGAIN/CLUSTERDOWN (or never sent) is followed on its
 * own through the redirection loop. One command failing does not fail the others.
 */
export class ClusterPipeline {
  readonly #runner: ClusterRunner;
  readonly #collector = new CallCollector();

  constructor(runner: ClusterRunner) {
    this.#runner = runner;
  }

  static collectorOf(self: object): CallCollector {
    return (self as ClusterPipeline).#collector;
  }

  get length(): number {
    return this.#collector.calls.length;
  }

  async exec(): Promise<PipelineResult> {
    const calls = this.#collector.calls.splice(0);
    const invalid = new Map(this.#collector.invalid);
    this.#collector.invalid.clear();
    // Every command's deadline runs from exec(): routing, redirections and retries all fit inside it.
    const started = Date.now();
    await this.#runner.ready();
    const { router, executor } = this.#runner;
    const nodes = executor.nodes;
    const settled: Promise<RespValue>[] = new Array(calls.length);
    const groups = new Map<string, { index: number; route: Route }[]>();
    const routeErrors = new Map<number, unknown>();
    const routes = await Promise.all(calls.map((call, i) => (invalid.has(i)
      ? Promise.resolve(undefined)
      : Promise.resolve().then(() => router.routeSync(call.args) ?? router.route(call.args)).catch((error: unknown) => {
        routeErrors.set(i, error);
        return undefined;
      }))));
    calls.forEach((call, i) => {
      const failed = invalid.get(i);
      if (failed !== undefined) {
        settled[i] = failed as Promise<RespValue>;
        return;
      }
      const route = routes[i];
      if (route === undefined) {
        settled[i] = Promise.reject(routeErrors.get(i));
        return;
      }
      if (route.kind !== 'slot') {
        const options = this.#runner.sendOptions(call);
        settled[i] = executor.run(call.args, route, options, executor.deadlineOf(options, started));
        return;
      }
      let address: string;
      try {
        address = nodes.nodeForSlot(route.slot, route.readonly).address;
      } catch {
        const options = this.#runner.sendOptions(call);
        settled[i] = executor.run(call.args, route, options, executor.deadlineOf(options, started));
        return;
      }
      let group = groups.get(address);
      if (group === undefined) groups.set(address, (group = []));
      group.push({ index: i, route });
    });
    for (const group of groups.values()) {
      // Same tick, same shared connection per node: the connection coalesces the group into one write.
      for (const { index, route } of group) {
        const call = calls[index] as CommandCall<unknown>;
        const options = this.#runner.sendOptions(call);
        // One deadline per command for the whole exec: the redirection loop after a MOVED gets what is left of it.
        const deadline = executor.deadlineOf(options, started);
        const node = nodes.nodeForSlot(route.kind === 'slot' ? route.slot : 0, route.readonly);
        settled[index] = executor.sendTo(node, call.args, attemptOptions(options, deadline), false, deadline).catch((error: unknown) => {
          if (!retryable(error)) throw error;
          if (error instanceof MovedError) nodes.applyMoved(error.slot, nodes.nodeFromRedirect(error.host, error.port, node.host));
          return executor.run(call.args, route, options, deadline);
        });
      }
    }
    return Promise.all(calls.map((call, i) => (settled[i] as Promise<RespValue>).then(
      (reply): [Error | null, unknown] => {
        try {
          return [null, call.transform === undefined ? reply : call.transform(reply)];
        } catch (error) {
          return [error as Error, undefined];
        }
      },
      (error: unknown): [Error | null, unknown] => [error as Error, undefined],
    )));
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ClusterPipeline extends ChainableCommands<ClusterPipeline> {
  call(command: string, ...args: (string | Buffer | number | bigint)[]): ClusterPipeline;
}
installChainableMethods(ClusterPipeline.prototype, (self) => ClusterPipeline.collectorOf(self));
