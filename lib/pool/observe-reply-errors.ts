import { ResponseError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { BatchCommand, PoolCommandOptions, PoolConnection, ReplySink } from './pool-connection.js';
import type { ReplyErrorHook } from './pool-options.js';

/**
 * Makes every command sent on `conn` report its error reply to `hook` before its caller sees it, whoever holds the
 * connection (the pool's shared path, a lease, a pipeline or a transaction). Only pools with an `onReplyError`
 * pay for it: one extra promise per command (one sink per batch). A throwing hook is ignored.
 */
export function observeReplyErrors(conn: PoolConnection, hook: ReplyErrorHook): void {
  const send = conn.sendCommand.bind(conn) as (args: readonly RedisArg[], options?: PoolCommandOptions) => Promise<RespValue>;
  const notify = (error: unknown): void => {
    if (error instanceof ResponseError) {
      try {
        hook(error, conn.endpoint);
      } catch {
        // The caller's error matters more than the hook's.
      }
    }
  };
  const report = (error: unknown): never => {
    notify(error);
    throw error;
  };
  conn.sendCommand = (<T>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T> =>
    send(args, options).then(undefined, report) as Promise<T>) as PoolConnection['sendCommand'];
  const sendBatch = conn.sendBatch?.bind(conn);
  if (sendBatch !== undefined) {
    conn.sendBatch = (commands: readonly BatchCommand[], sink: ReplySink): void => sendBatch(commands, new ObservedSink(sink, notify));
  }
}

/** Reports error replies to the hook, then hands every settle on (a class: one call target for all batches). */
class ObservedSink implements ReplySink {
  constructor(
    readonly sink: ReplySink,
    readonly notify: (error: unknown) => void,
  ) {}

  settle(index: number, error: Error | null, value: unknown): void {
    // Deferred like the promise path: the hook may reconnect, which must not happen inside the decoder's callback.
    if (error !== null) queueMicrotask(() => this.notify(error));
    this.sink.settle(index, error, value);
  }
}
