import type { RedisArg } from '../protocol/resp-value.js';
import { CallRecorder, type PipelineResult, type QueuedCall } from './call-recorder.js';
import { commandMethodNames } from './commands/command-methods.js';
import type { ChainableCommands } from './commands/redis-commands.js';
import type { BatchRunner } from './pipeline.js';

/**
 * MULTI ... EXEC on a leased connection. Typed methods queue and return the transaction; `exec()` sends
 * MULTI, the commands and EXEC in one write and resolves with `[error | null, result]` per command (a command that
 * failed while running, e.g. WRONGTYPE, is an error entry). It rejects with `WatchError` when a WATCHed key changed
 * (EXEC returned nil) and with `ExecAbortError` when the server refused a command while queuing it.
 *
 * @example
 * const [[, n]] = await client.multi().incr('counter').expire('counter', 60).exec();
 */
export class Transaction {
  readonly #recorder = new CallRecorder();
  readonly #queue: QueuedCall[] = [];
  readonly #run: BatchRunner;
  #executed = false;

  constructor(run: BatchRunner) {
    this.#run = run;
  }

  get length(): number {
    return this.#queue.length;
  }

  /** True once `exec()` was called. */
  get executed(): boolean {
    return this.#executed;
  }

  /** Queues any command, reply as decoded. */
  call(command: string, ...args: RedisArg[]): this {
    this.#queue.push(this.#recorder.record('call', [command, ...args]));
    return this;
  }

  exec(): Promise<PipelineResult> {
    if (this.#executed) return Promise.resolve([]);
    this.#executed = true;
    return this.#run(this.#queue);
  }

  static {
    for (const name of commandMethodNames) {
      Object.defineProperty(Transaction.prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: Transaction, ...params: unknown[]): Transaction {
          this.#queue.push(this.#recorder.record(name, params));
          return this;
        },
      });
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Transaction extends ChainableCommands<Transaction> {}
