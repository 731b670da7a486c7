import { ExecAbortError, ProtocolError, RedisError, WatchError } from '../errors/index.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { asError, FailedCall, type PipelineResult, type QueuedCall } from './call-recorder.js';
import type { CommandCall } from './commands/command-call.js';
import { commandOptionsOf, type CommandSender } from './send-call.js';

/**
 * Sends a pipeline's calls back to back in one tick (the connection coalesces them into one write) and collects
 * `[error, result]` per call. Never rejects because of one command.
 *
 * Hot path (workload 3: 1,000 GETs per pipeline): each reply is settled straight into a preallocated result array
 * with one countdown, instead of a transform promise per call plus `Promise.allSettled` and a mapping pass.
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
    let left = n;
    const settle = (i: number, error: Error | null, value: unknown): void => {
      results[i] = [error, value];
      if (--left === 0) resolve(results);
    };
    for (let i = 0; i < n; i++) {
      const q = queued[i]!;
      const onError = (error: unknown): void => settle(i, asError(error), null);
      if (q instanceof FailedCall) {
        q.failed.then(undefined, onError);
        continue;
      }
      const call = q;
      const transform = call.transform;
      let reply: Promise<RespValue>;
      try {
        reply = target.sendCommand<RespValue>(call.args, commandOptionsOf(call, commandTimeout));
      } catch (error) {
        // sendCommand rejects rather than throws; a throwing sender must still not break the batch.
        onError(error);
        continue;
      }
      reply.then(
        transform === undefined
          ? (value: RespValue): void => settle(i, null, value)
          : (value: RespValue): void => {
              let shaped: unknown;
              try {
                shaped = transform(value);
              } catch (error) {
                onError(error);
                return;
              }
              settle(i, null, shaped);
            },
        onError,
      );
    }
  });
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
  const multi = conn.sendCommand(['MULTI']);
  const queuing = calls.map((c) =>
    conn.sendCommand(c.args).then(
      () => null,
      (error: unknown) => asError(error),
    ),
  );
  const exec = conn.sendCommand<RespValue>(['EXEC'], wantBuffers ? { returnBuffers: true } : undefined);
  const [multiResult, queueErrors, execResult] = await Promise.allSettled([multi, Promise.all(queuing), exec]);
  if (multiResult.status === 'rejected') throw multiResult.reason;
  if (execResult.status === 'rejected') {
    const reason: unknown = execResult.reason;
    const refused = queueErrors.status === 'fulfilled' ? queueErrors.value.find((e) => e !== null) : undefined;
    if (reason instanceof ExecAbortError && refused) {
      throw new ExecAbortError(
        `EXECABORT Transaction discarded because the server refused a queued command: ${refused.message}`,
        { prefix: 'EXECABORT', command: 'EXEC', cause: refused, ...(reason.endpoint ? { endpoint: reason.endpoint } : {}) },
      );
    }
    throw reason;
  }
  const replies = execResult.value;
  if (replies === null) {
    throw new WatchError(
      'Transaction aborted: a WATCHed key was changed by another client before EXEC, so nothing was applied. ' +
        'Read the keys again and retry.',
      { command: 'EXEC', endpoint: conn.endpoint },
    );
  }
  if (!Array.isArray(replies) || replies.length !== calls.length) {
    throw new ProtocolError(`EXEC answered with ${Array.isArray(replies) ? replies.length : typeof replies} results for ${calls.length} commands.`, {
      command: 'EXEC',
      endpoint: conn.endpoint,
    });
  }
  return replies.map((reply, i): [Error | null, unknown] => {
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
