import type { PoolConnection } from '../pool/pool-connection.js';
import type { PipelineResult } from './call-recorder.js';
import type { CommandCall } from './commands/command-call.js';
import { CommandsBase } from './commands/commands-base.js';
import { runTransaction } from './run-batch.js';
import { sendCall } from './send-call.js';
import { Transaction } from './transaction.js';

/**
 * What `client.watch(keys, fn)` hands to `fn`: every typed method, run on the leased connection that holds the
 * WATCH, plus `multi()` to queue the writes that `watch` then EXECs on that same connection.
 */
export class WatchContext extends CommandsBase {
  readonly #conn: PoolConnection;
  readonly #commandTimeout: number;
  #tx: Transaction | undefined;
  /** Results of a transaction `fn` executed itself. */
  lastResult: PipelineResult | undefined;

  constructor(conn: PoolConnection, commandTimeout: number) {
    super();
    this.#conn = conn;
    this.#commandTimeout = commandTimeout;
  }

  /** The transaction of this watch (the same one on every call until it is executed). */
  multi(): Transaction {
    if (this.#tx !== undefined && !this.#tx.executed) return this.#tx;
    this.#tx = new Transaction(async (queued) => {
      this.lastResult = await runTransaction(this.#conn, queued);
      return this.lastResult;
    });
    return this.#tx;
  }

  /** The queued, not yet executed transaction, if any. */
  pendingTransaction(): Transaction | undefined {
    return this.#tx !== undefined && !this.#tx.executed ? this.#tx : undefined;
  }

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    return sendCall(this.#conn, call, this.#commandTimeout);
  }
}
