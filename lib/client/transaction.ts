import type { TransactionApi } from './batch-api.js';
import { TypedCommandBatch } from './pipeline.js';

/**
 * MULTI ... EXEC on a leased connection. Typed methods queue and return the transaction (the command's reply type
 * appended to `R`); `exec()` sends MULTI, the commands and EXEC in one write and resolves with
 * `[error | null, result]` per command (a command that failed while running, e.g. WRONGTYPE, is an error entry).
 * It rejects with `WatchError` when a WATCHed key changed (EXEC returned nil) and with `ExecAbortError` when the
 * server refused a command while queuing it.
 *
 * @example
 * const [[, n], [, set]] = await client.multi().incr('counter').expire('counter', 60).exec();
 * // n: number, set: boolean
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-unused-vars -- the interface of the same name adds the generated, per-position typed methods (R types them)
export class Transaction<R extends unknown[] = []> extends TypedCommandBatch {}

export interface Transaction<R extends unknown[] = []> extends TransactionApi<R> {}
