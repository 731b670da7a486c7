import type { PoolConnection } from '../pool/pool-connection.js';
import type { RedisArg } from '../protocol/resp-value.js';
import type { PipelineResult } from './call-recorder.js';
import { WatchContext } from './watch-context.js';

/** The caller's part of `watch(keys, fn)`: reads through the context, writes queued on `tx.multi()`. */
export type WatchBody = (tx: WatchContext) => Promise<unknown> | unknown;

/** One `watch(keys, fn)` call: the keys (never empty on a cluster), the per-command timeout, the caller's body. */
export interface WatchJob {
  keys: readonly RedisArg[];
  commandTimeout: number;
  fn: WatchBody;
}

/** The job of `watch(keys, fn)`: one key or several. */
export function watchJob(keys: RedisArg | readonly RedisArg[], commandTimeout: number, fn: WatchBody): WatchJob {
  return { keys: Array.isArray(keys) ? [...(keys as readonly RedisArg[])] : [keys as RedisArg], commandTimeout, fn };
}

/**
 * Optimistic locking on one (leased) connection: WATCHes the keys, runs `fn`, EXECs what it queued. Resolves with
 * the results, or null when `fn` queued nothing. On failure the keys are UNWATCHed (or the connection destroyed,
 * so no WATCH outlives the caller's lease). Shared by `RedisClient.watch` and `ClusterClient.watch`.
 */
export async function runWatch(conn: PoolConnection, { keys, commandTimeout, fn }: WatchJob): Promise<PipelineResult | null> {
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
