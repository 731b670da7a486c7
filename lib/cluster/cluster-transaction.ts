import {
  CrossSlotError, ExecAbortError, RedirectionLimitError, type AskError, type MovedError,
} from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { TransactionApi } from '../client/batch-api.js';
import { argText } from '../client/commands/command-spec.js';
import { FailedCall, type PipelineResult, type QueuedCall } from '../client/call-recorder.js';
import { failedCount, writeTransaction } from '../client/run-batch.js';
import type { BatchCommand } from '../pool/pool-connection.js';
import { TypedCommandBatch } from '../client/pipeline.js';
import type { CommandCall } from '../client/commands/command-call.js';
import { attemptOptions, type SendOptions } from './cluster-executor.js';
import { classify } from './redirect-policy.js';
import type { ClusterRunner } from './cluster-runner.js';

/**
 * MULTI/EXEC in a cluster: every key of every command must hash to one slot (else CrossSlotError before anything
 * is sent). MULTI, the commands and EXEC are written together on a leased connection of the slot's primary. A
 * MOVED or ASK while queueing aborts the transaction server-side (EXECABORT), so it is safely re-run: on the new
 * owner after MOVED; after ASK (the slot is migrating and a key has left), once on the importing node as ASKING,
 * MULTI, …, EXEC (the server keeps the ASKING flag for the whole transaction, and answers TRYAGAIN when the keys
 * are split between the two nodes, which is then waited out like TRYAGAIN).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-unused-vars -- the interface of the same name adds the generated, per-position typed methods (R types them)
export class ClusterTransaction<R extends unknown[] = []> extends TypedCommandBatch {
  constructor(runner: ClusterRunner) {
    super((queued) => runClusterTransaction(runner, queued));
  }
}

async function runClusterTransaction(runner: ClusterRunner, queued: readonly QueuedCall[]): Promise<PipelineResult> {
  // An invalid call (bad argument) rejects the whole transaction before anything is sent.
  for (const q of queued) if (q instanceof FailedCall) await q.failed;
  const calls = queued as readonly CommandCall<unknown>[];
  const started = Date.now();
  await runner.ready();
  const { router, executor } = runner;
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
  let asking = false;
  let retries = 0;
  // The client's commandTimeout bounds the whole transaction: leases, redirections and backoffs included.
  const deadline = executor.deadlineOf({}, started);
  for (let attempt = 0; attempt <= executor.maxRedirections; attempt++) {
    const node = target;
    if (attempt > 0 && deadline !== 0 && Date.now() >= deadline) {
      throw executor.timeoutError(['EXEC'], slot, node.address, lastError, {}, false);
    }
    const each = attemptOptions({}, deadline);
    const withAsking = asking;
    asking = false;
    const { written, replies } = await executor.withLease(nodes.poolFor(node), deadline, ['MULTI'], each, async (conn) => {
      const commands: BatchCommand[] = withAsking ? [batchCommand(['ASKING'], each)] : [];
      commands.push(batchCommand(['MULTI'], each));
      for (const call of calls) commands.push(batchCommand(call.args, { ...runner.sendOptions(call), ...each }));
      commands.push(batchCommand(['EXEC'], each));
      const transaction = writeTransaction(conn, commands, calls);
      return { written: transaction, replies: await transaction.replies };
    });
    // Before the replies of the queued commands: ASKING's (when sent), then MULTI's.
    const queuedReplies = replies.slice(withAsking ? 2 : 1, -1);
    const [execError, execValue] = replies[replies.length - 1]!;
    if (execError === null && Array.isArray(execValue)) {
      const results = calls.map((call, i): [Error | null, unknown] => {
        const value = execValue[i] as RespValue;
        if (value instanceof Error) return [value, null];
        try {
          return [null, call.transform === undefined ? value : call.transform(value)];
        } catch (error) {
          return [error as Error, null];
        }
      });
      written.end(undefined, failedCount(results));
      return results;
    }
    const refused = queuedReplies.find(([error]) => error !== null)?.[0];
    const reason: unknown = refused ?? execError ?? new ExecAbortError('EXECABORT Transaction discarded');
    written.end(reason, queuedReplies.filter(([error]) => error !== null).length);
    lastError = reason;
    // A transaction is a write; after a second ASK (already sent as ASKING) the keys are split between the
    // migrating and the importing node: the policy waits for the migration to move on.
    const action = classify(reason, { readonly: false, asked: withAsking });
    if (action === 'follow-moved' || action === 'ask') {
      target = executor.policy.redirectTarget(reason as MovedError | AskError, node.host);
      asking = action === 'ask';
    } else if (action === 'backoff-retry' || action === 'refresh-and-retry') {
      await executor.policy.backoff(action, ++retries, deadline,
        slot === undefined ? undefined : { slot, owner: nodes.table.primaryAddressOf(slot) });
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

/** One command of the transaction's batch with the options a batch entry carries (deadline, signal). */
function batchCommand(args: readonly RedisArg[], options: SendOptions): BatchCommand {
  const command: { args: readonly RedisArg[]; timeout?: number; signal?: AbortSignal; returnBuffers?: boolean } = { args };
  if (options.timeout !== undefined) command.timeout = options.timeout;
  if (options.signal !== undefined) command.signal = options.signal;
  if (options.returnBuffers === true) command.returnBuffers = true;
  return command;
}

// The typed methods, returning the transaction.
export interface ClusterTransaction<R extends unknown[] = []> extends TransactionApi<R> {}
