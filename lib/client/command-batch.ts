import type { RedisArg } from '../protocol/resp-value.js';
import { recordMethod, recordRaw, type PipelineResult, type QueuedCall } from './call-recorder.js';
import { commandMethodNames } from './commands/command-methods.js';

/** Sends a batch of queued calls; given by the client that created the batch. */
export type BatchRunner = (queued: readonly QueuedCall[]) => Promise<PipelineResult>;

/**
 * What Pipeline and Transaction share: a queue of recorded calls, every typed method installed to queue and return
 * the batch (chainable), and a one-shot `exec()` handing the queue to the client's runner.
 */
export abstract class CommandBatch {
  readonly #queue: QueuedCall[] = [];
  readonly #run: BatchRunner;
  #executed = false;

  constructor(run: BatchRunner) {
    this.#run = run;
  }

  /** Number of queued commands. */
  get length(): number {
    return this.#queue.length;
  }

  /** True once `exec()` was called. */
  get executed(): boolean {
    return this.#executed;
  }

  /** Queues any command, reply as decoded. */
  call(command: string, ...args: RedisArg[]): this {
    this.#queue.push(recordRaw(command, args));
    return this;
  }

  /** Sends every queued command. Each entry is `[error, null]` or `[null, result]`; a second call resolves `[]`. */
  exec(): Promise<PipelineResult> {
    if (this.#executed) return Promise.resolve([]);
    this.#executed = true;
    return this.runQueued(this.#queue, this.#run);
  }

  /** Hook for subclasses that treat an empty queue specially. */
  protected runQueued(queue: readonly QueuedCall[], run: BatchRunner): Promise<PipelineResult> {
    return run(queue);
  }

  static {
    for (const name of commandMethodNames) {
      Object.defineProperty(CommandBatch.prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: CommandBatch, ...params: unknown[]): CommandBatch {
          this.#queue.push(recordMethod(name, params));
          return this;
        },
      });
    }
  }
}
