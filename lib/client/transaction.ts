import { CommandBatch } from './command-batch.js';
import type { ChainableCommands } from './commands/redis-commands.js';

/**
 * MULTI ... EXEC on a leased connection. Typed methods queue and return the transaction; `exec()` sends
 * MULTI, the commands and EXEC in one write and resolves with `[error | null, result]` per command (a command that
 * failed while running, e.g. WRONGTYPE, is an error entry). It rejects with `WatchError` when a WATCHed key changed
 * (EXEC returned nil) and with `ExecAbortError` when the server refused a command while queuing it.
 *
 * @example
 * const [[, n]] = await client.multi().incr('counter').expire('counter', 60).exec();
 */
export class Transaction extends CommandBatch {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Transaction extends ChainableCommands<Transaction> {}
