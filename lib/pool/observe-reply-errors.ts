import { ResponseError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { PoolCommandOptions, PoolConnection } from './pool-connection.js';
import type { ReplyErrorHook } from './pool-options.js';

/**
 * Makes every command sent on `conn` report its error reply to `hook` before its caller sees it, whoever holds the
 * connection (the pool's shared path, a lease, a pipeline or a transaction). Only pools with an `onReplyError`
 * pay for it: one extra promise per command. A throwing hook is ignored.
 */
export function observeReplyErrors(conn: PoolConnection, hook: ReplyErrorHook): void {
  const send = conn.sendCommand.bind(conn) as (args: readonly RedisArg[], options?: PoolCommandOptions) => Promise<RespValue>;
  const report = (error: unknown): never => {
    if (error instanceof ResponseError) {
      try {
        hook(error, conn.endpoint);
      } catch {
        // The caller's error matters more than the hook's.
      }
    }
    throw error;
  };
  conn.sendCommand = (<T>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T> =>
    send(args, options).then(undefined, report) as Promise<T>) as PoolConnection['sendCommand'];
}
