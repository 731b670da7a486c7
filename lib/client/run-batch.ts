import { ExecAbortError, ProtocolError, RedisError, WatchError } from '../errors/index.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { asError, toResults, type PipelineResult, type QueuedCall } from './call-recorder.js';
import { sendCall, type CommandSender } from './send-call.js';

/**
 * Sends a pipeline's calls back to back in one tick (the connection coalesces them into one write) and collects
 * `[error, result]` per call. Never rejects because of one command.
 */
export async function runPipeline(
  target: CommandSender | PoolConnection,
  queued: readonly QueuedCall[],
  commandTimeout: number,
): Promise<PipelineResult> {
  const replies = queued.map((q) => q.failed ?? sendCall(target, q.call, commandTimeout));
  return toResults(await Promise.allSettled(replies));
}

/**
 * MULTI, the queued calls and EXEC written together on one (leased) connection. Rejects with `WatchError` when
 * EXEC returns nil, `ExecAbortError` (naming the first refused command's error) when the server discarded the
 * transaction, or the error of a call whose arguments were invalid (then nothing is sent).
 */
export async function runTransaction(conn: PoolConnection, queued: readonly QueuedCall[]): Promise<PipelineResult> {
  for (const q of queued) if (q.failed !== undefined) await q.failed;
  const calls = queued.map((q) => q.call!);
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
