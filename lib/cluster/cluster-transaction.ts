import {
  AskError, CrossSlotError, ExecAbortError, MovedError, RedirectionLimitError, TryAgainError, ClusterDownError,
} from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';
import type { ChainableCommands } from '../client/commands/redis-commands.js';
import { argText } from '../client/commands/command-spec.js';
import { CallCollector, installChainableMethods } from './call-collector.js';
import { attemptOptions, remainingUntil } from './cluster-executor.js';
import type { ClusterRunner } from './cluster-runner.js';
import type { PipelineResult } from './cluster-pipeline.js';

/**
 * MULTI/EXEC in a cluster: every key of every command must hash to one slot (else CrossSlotError before anything
 * is sent). MULTI, the commands and EXEC are written together on a leased connection of the slot's primary. A
 * MOVED while queueing aborts the transaction server-side (EXECABORT), so it is safely re-run on the new node.
 */
export class ClusterTransaction {
  readonly #runner: ClusterRunner;
  readonly #collector = new CallCollector();

  constructor(runner: ClusterRunner) {
    this.#runner = runner;
  }

  static collectorOf(self: object): CallCollector {
    return (self as ClusterTransaction).#collector;
  }

  get length(): number {
    return this.#collector.calls.length;
  }

  async exec(): Promise<PipelineResult> {
    const calls = this.#collector.calls.splice(0);
    const invalid = [...this.#collector.invalid.values()];
    this.#collector.invalid.clear();
    if (invalid.length > 0) await invalid[0];
    const started = Date.now();
    await this.#runner.ready();
    const { router, executor } = this.#runner;
    let slot: number | undefined;
    for (const call of calls) {
      const route = router.routeSync(call.args) ?? (await router.route(call.args));
      if (route.kind !== 'slot') continue;
      if (slot !== undefined && route.slot !== slot) {
        throw new CrossSlotError(
          `CROSSSLOT A cluster transaction must keep all keys in one hash slot; ${argText(call.args[0])} uses slot ` +
            `${route.slot}, an earlier command slot ${slot}. Use one {hash tag} for all keys.`,
          { command: 'MULTI', prefix: 'CROSSSLOT' },
        );
      }
      slot = route.slot;
    }
    const nodes = executor.nodes;
    let lastError: unknown;
    let target = slot === undefined ? nodes.randomPrimary() : nodes.nodeForSlot(slot, false);
    // The client's commandTimeout bounds the whole transaction: leases, redirections and backoffs included.
    const deadline = executor.deadlineOf({}, started);
    for (let attempt = 0; attempt <= executor.maxRedirections; attempt++) {
      const node = target;
      if (attempt > 0 && deadline !== 0 && Date.now() >= deadline) {
        throw executor.timeoutError(['EXEC'], slot, node.address, lastError, {}, false);
      }
      const each = attemptOptions({}, deadline);
      const replies = await executor.withLease(nodes.poolFor(node), deadline, ['MULTI'], each, async (conn) => {
        const sent = [conn.sendCommand(['MULTI'], each)];
        for (const call of calls) sent.push(conn.sendCommand(call.args, { ...this.#runner.sendOptions(call), ...each }));
        sent.push(conn.sendCommand(['EXEC'], each));
        return Promise.allSettled(sent);
      });
      const exec = replies[replies.length - 1];
      if (exec?.status === 'fulfilled' && Array.isArray(exec.value)) {
        const values = exec.value;
        return calls.map((call, i): [Error | null, unknown] => {
          const value = values[i] as RespValue;
          if (value instanceof Error) return [value, undefined];
          try {
            return [null, call.transform === undefined ? value : call.transform(value)];
          } catch (error) {
            return [error as Error, undefined];
          }
        });
      }
      const queued = replies.slice(1, -1).find((r) => r.status === 'rejected');
      const reason: unknown = queued?.status === 'rejected' ? queued.reason
        : exec?.status === 'rejected' ? exec.reason : new ExecAbortError('EXECABORT Transaction discarded');
      lastError = reason;
      if (reason instanceof MovedError) {
        target = nodes.nodeFromRedirect(reason.host, reason.port, node.host);
        nodes.applyMoved(reason.slot, target);
      } else if (reason instanceof AskError || reason instanceof TryAgainError || reason instanceof ClusterDownError) {
        // Keys are mid-migration: wait for the migration to finish instead of splitting the transaction.
        nodes.refresh().catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(executor.retryDelay(attempt + 1), remainingUntil(deadline)))));
        target = slot === undefined ? nodes.randomPrimary() : nodes.nodeForSlot(slot, false);
      } else {
        throw reason;
      }
    }
    throw new RedirectionLimitError(
      `MULTI/EXEC gave up after ${executor.maxRedirections} redirections for slot ${slot ?? 'none'}; last node ` +
        `${target.address}, last error: ${(lastError as Error | undefined)?.message ?? 'none'}.`,
      slot, { command: 'EXEC', endpoint: target.address, cause: lastError },
    );
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ClusterTransaction extends ChainableCommands<ClusterTransaction> {
  call(command: string, ...args: (string | Buffer | number | bigint)[]): ClusterTransaction;
}
installChainableMethods(ClusterTransaction.prototype, (self) => ClusterTransaction.collectorOf(self));
