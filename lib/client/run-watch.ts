import type { PoolConnection } from '../pool/pool-connection.js';
import type { RedisArg } from '../protocol/resp-value.js';
import type { PipelineResult } from './call-recorder.js';
import { WatchContext } from './watch-context.js';

/**
 * Optimistic locking on one (leased) connection: WATCHes `keys`, runs `fn` (reads through the context, writes
 * queued on `ctx.multi()`), EXECs what it queued. Resolves with the results, or null when `fn` queued nothing.
 * On failure the keys are UNWATCHed (or the connection destroyed, so no WATCH outlives the caller's lease).
 * Shared by `RedisClient.watch` and `ClusterClient.watch`.
 */
export async function runWatch(
  conn: PoolConnection,
  keys: readonly RedisArg[],
  commandTimeout: number,
  fn: (tx: WatchContext) => Promise<unknown> | unknown,
): Promise<PipelineResult | null> {
  await conn.sendCommand(['WATCH', ...keys]);
  const tx = new WatchContext(conn, commandTimeout);
  try {
    await fn(tx);
    const queued = tx.pendingTransaction();
    if (queued === undefined) {
      await conn.sendCommand(['UNWATCH']);
      return tx.lastResult ?? null;
    }
    return await queued.exec();
  } catch (error) {
    await conn.sendCommand(['UNWATCH']).catch(() => conn.destroy());
    throw error;
  }
}

/** The key list of `watch(keys, fn)`: one key or several. */
export function watchKeys(keys: RedisArg | readonly RedisArg[]): RedisArg[] {
  return Array.isArray(keys) ? [...(keys as readonly RedisArg[])] : [keys as RedisArg];
}
