import { ExecAbortError, ProtocolError, RedisError, WatchError } from '../errors/index.js';
import { optionsOf } from '../connection/command-options.js';
import { batchChannel, endTransactionTrace, traceTransaction } from '../connection/connection-diagnostics.js';
import type { BatchCommand, PoolConnection, ReplySink } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { asError, FailedCall, type PipelineResult, type QueuedCall } from './call-recorder.js';
import type { CommandCall } from './commands/command-call.js';
import { commandOptionsOf, type CommandSender } from './send-call.js';

/** Collects a pipeline's replies into `[error, result]` per call (applying each call's transform) and resolves once all are in. */
class PipelineSink implements ReplySink {
  readonly #queued: readonly QueuedCall[];
  readonly #results: PipelineResult;
  readonly #resolve: (results: PipelineResult) => void;
  #left: number;

  constructor(queued: readonly QueuedCall[], results: PipelineResult, resolve: (results: PipelineResult) => void) {
    this.#queued = queued;
    this.#results = results;
    this.#resolve = resolve;
    this.#left = queued.length;
  }

  settle(index: number, error: Error | null, value: unknown): void {
    if (this.#results[index] !== undefined) return; // settled already (defensive: a sender that reported twice)
    if (error === null) {
      const transform = (this.#queued[index] as CommandCall<unknown>).transform;
      if (transform !== undefined) {
        try {
          value = transform(value as RespValue);
        } catch (thrown) {
          error = asError(thrown);
          value = null;
        }
      }
    }
    this.#results[index] = [error, value];
    if (--this.#left === 0) this.#resolve(this.#results);
  }
}

/** Reports batch index `j` as pipeline position `positions[j]` (when some calls were not part of the batch). */
class RemappedSink implements ReplySink {
  constructor(readonly target: ReplySink, readonly positions: readonly number[]) {}
  settle(index: number, error: Error | null, value: unknown): void {
    this.target.settle(this.positions[index]!, error, value);
  }
}

/**
 * Sends a pipeline's calls back to back in one tick (the connection coalesces them into one write) and collects
 * `[error, result]` per call. Never rejects because of one command.
 *
 * Hot path (workload 3: 1,000 GETs per pipeline): when the connection has `sendBatch`, the calls go down as one
 * batch whose replies land in a preallocated result array through one sink: no promise, closure or microtask per
 * command. Invalid calls (FailedCall) and blocking ones (their deadline is extended) take the per-command path.
 */
export function runPipeline(
  target: CommandSender | PoolConnection,
  queued: readonly QueuedCall[],
  commandTimeout: number,
): Promise<PipelineResult> {
  const n = queued.length;
  const results: PipelineResult = new Array<[Error | null, unknown]>(n);
  if (n === 0) return Promise.resolve(results);
  return new Promise<PipelineResult>((resolve) => {
    const sink = new PipelineSink(queued, results, resolve);
    const sendBatch = (target as PoolConnection).sendBatch;
    const batch: CommandCall<unknown>[] = [];
    let positions: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const q = queued[i]!;
      if (sendBatch !== undefined && !(q instanceof FailedCall) && q.blocking !== true) {
        positions?.push(i);
        batch.push(q);
        continue;
      }
      // Off the batch: later batch entries need their pipeline positions.
      positions ??= Array.from({ length: batch.length }, (_, j) => j);
      const onError = (error: unknown): void => sink.settle(i, asError(error), null);
      if (q instanceof FailedCall) {
        q.failed.then(undefined, onError);
        continue;
      }
      let reply: Promise<RespValue>;
      try {
        reply = target.sendCommand<RespValue>(q.args, commandOptionsOf(q, commandTimeout));
      } catch (error) {
        // sendCommand rejects rather than throws; a throwing sender must still not break the batch.
        onError(error);
        continue;
      }
      reply.then((value) => sink.settle(i, null, value), onError);
    }
    if (batch.length > 0) {
      const batchSink = positions === undefined ? sink : new RemappedSink(sink, positions);
      try {
        sendBatch!.call(target, batch, batchSink);
      } catch (error) {
        // sendBatch reports through the sink; a throwing one must still settle every call.
        for (let j = 0; j < batch.length; j++) batchSink.settle(j, asError(error), null);
      }
    }
  });
}

/** One reply of a written transaction: `[error, null]` or `[null, value]`. */
export type SettledReply = [Error | null, unknown];

/** Collects every reply of one batch, in order, and resolves once all are in. */
class SettledSink implements ReplySink {
  readonly #replies: SettledReply[];
  readonly #resolve: (replies: SettledReply[]) => void;
  #left: number;

  constructor(count: number, resolve: (replies: SettledReply[]) => void) {
    this.#replies = new Array<SettledReply>(count);
    this.#resolve = resolve;
    this.#left = count;
  }

  settle(index: number, error: Error | null, value: unknown): void {
    if (this.#replies[index] !== undefined) return;
    this.#replies[index] = [error, value];
    if (--this.#left === 0) this.#resolve(this.#replies);
  }
}

/** A transaction written by `writeTransaction`: its replies (never rejects) and the end of its trace. */
export interface WrittenTransaction {
  readonly replies: Promise<SettledReply[]>;
  /** Publishes the end of the transaction's trace (no-op when untraced): `error` is why it failed. */
  end(error: unknown, failedCommands: number): void;
}

const UNTRACED = (): void => {};

/**
 * Writes `commands` (MULTI, the queued commands, EXEC; ASKING first on a cluster ASK) as one batch on a leased
 * connection and collects every reply. When someone subscribes to `redwire:batch` it is traced as one transaction
 * (one MULTI span; `queued` names its queued commands) instead of a pipeline or a trace per command; nothing is
 * allocated for it otherwise.
 */
export function writeTransaction(conn: PoolConnection, commands: readonly BatchCommand[], queued: readonly CommandCall<unknown>[]): WrittenTransaction {
  let sink!: SettledSink;
  const replies = new Promise<SettledReply[]>((resolve) => (sink = new SettledSink(commands.length, resolve)));
  const sendBatch = conn.sendBatch;
  const send = (): void => {
    if (sendBatch === undefined) {
      // A custom connection without the batch path: one sendCommand per command, written in this tick all the same.
      commands.forEach((c, i) => {
        conn.sendCommand(c.args, optionsOf(c)).then((value) => sink.settle(i, null, value), (error: unknown) => sink.settle(i, asError(error), null));
      });
      return;
    }
    try {
      sendBatch.call(conn, commands, sink);
    } catch (error) {
      for (let i = 0; i < commands.length; i++) sink.settle(i, asError(error), null);
    }
  };
  // Per-command sends are traced per command already; only a batch becomes one MULTI trace.
  if (!batchChannel.hasSubscribers || sendBatch === undefined) {
    send();
    return { replies, end: UNTRACED };
  }
  const names = queued.map((c) => String(c.args[0]).toUpperCase());
  const context = traceTransaction(names, conn.db, conn.endpoint, send);
  return { replies, end: (error, failedCommands) => endTransactionTrace(context, error, failedCommands) };
}

/** Queued commands whose result is an error (a transaction's `redwire.batch.errors`). */
export function failedCount(results: PipelineResult): number {
  let failed = 0;
  for (const [error] of results) if (error !== null) failed++;
  return failed;
}

/**
 * MULTI, the queued calls and EXEC written together on one (leased) connection. Rejects with `WatchError` when
 * EXEC returns nil, `ExecAbortError` (naming the first refused command's error) when the server discarded the
 * transaction, or the error of a call whose arguments were invalid (then nothing is sent).
 */
export async function runTransaction(conn: PoolConnection, queued: readonly QueuedCall[]): Promise<PipelineResult> {
  for (const q of queued) if (q instanceof FailedCall) await q.failed;
  const calls = queued as readonly CommandCall<unknown>[];
  const wantBuffers = calls.length > 0 && calls.every((c) => c.returnBuffers === true);
  const commands: BatchCommand[] = [{ args: ['MULTI'] }];
  for (const c of calls) commands.push({ args: c.args });
  commands.push(wantBuffers ? { args: ['EXEC'], returnBuffers: true } : { args: ['EXEC'] });
  const written = writeTransaction(conn, commands, calls);
  const replies = await written.replies;
  let results: PipelineResult;
  try {
    results = transactionResults(conn, calls, replies);
  } catch (error) {
    written.end(error, replies.slice(1, -1).filter(([e]) => e !== null).length);
    throw error;
  }
  written.end(undefined, failedCount(results));
  return results;
}

/** The replies of MULTI, the queued calls and EXEC as the transaction's results, or its typed failure. */
function transactionResults(conn: PoolConnection, calls: readonly CommandCall<unknown>[], replies: readonly SettledReply[]): PipelineResult {
  const [multiError] = replies[0]!;
  if (multiError !== null) throw multiError;
  const [execError, execValue] = replies[replies.length - 1]!;
  if (execError !== null) {
    const refused = replies.slice(1, -1).find(([e]) => e !== null)?.[0];
    if (execError instanceof ExecAbortError && refused) {
      throw new ExecAbortError(
        `EXECABORT Transaction discarded because the server refused a queued command: ${refused.message}`,
        { prefix: 'EXECABORT', command: 'EXEC', cause: refused, ...(execError.endpoint ? { endpoint: execError.endpoint } : {}) },
      );
    }
    throw execError;
  }
  const execReplies = execValue as RespValue;
  if (execReplies === null) {
    throw new WatchError(
      'Transaction aborted: a WATCHed key was changed by another client before EXEC, so nothing was applied. ' +
        'Read the keys again and retry.',
      { command: 'EXEC', endpoint: conn.endpoint },
    );
  }
  if (!Array.isArray(execReplies) || execReplies.length !== calls.length) {
    throw new ProtocolError(`EXEC answered with ${Array.isArray(execReplies) ? execReplies.length : typeof execReplies} results for ${calls.length} commands.`, {
      command: 'EXEC',
      endpoint: conn.endpoint,
    });
  }
  return execReplies.map((reply, i): [Error | null, unknown] => {
    if (reply instanceof RedisError) return [reply, null];
    const transform = calls[i]!.transform;
    if (transform === undefined) return [null, reply];
    try {
      return [null, transform(reply)];
    } catch (error) {
      return [asError(error), null];
    }
  });
}
