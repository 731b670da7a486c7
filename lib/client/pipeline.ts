import type { RedisArg } from '../protocol/resp-value.js';
import { CallRecorder, type PipelineResult, type QueuedCall } from './call-recorder.js';
import { commandMethodNames } from './commands/command-methods.js';
import type { ChainableCommands } from './commands/redis-commands.js';

/** Sends a batch of queued calls; given by the client that created the pipeline. */
export type BatchRunner = (queued: readonly QueuedCall[]) => Promise<PipelineResult>;

/**
 * A batch of commands sent in one write on one shared connection. Every typed method queues and returns the
 * pipeline (chainable); `exec()` resolves with `[error | null, result]` per command and never rejects because one
 * command failed.
 *
 * @example
 * const results = await client.pipeline().set('a', '1').incr('a').get('a').exec();
 * // [[null, 'OK'], [null, 2], [null, '2']]
 */
export class Pipeline {
  readonly #recorder = new CallRecorder();
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

  /** Queues any command, reply as decoded. */
  call(command: string, ...args: RedisArg[]): this {
    this.#queue.push(this.#recorder.record('call', [command, ...args]));
    return this;
  }

  /** Sends every queued command at once. Each entry is `[error, null]` or `[null, result]`. */
  exec(): Promise<PipelineResult> {
    if (this.#executed) return Promise.resolve([]);
    this.#executed = true;
    if (this.#queue.length === 0) return Promise.resolve([]);
    return this.#run(this.#queue);
  }

  static {
    for (const name of commandMethodNames) {
      Object.defineProperty(Pipeline.prototype, name, {
        configurable: true,
        writable: true,
        value: function (this: Pipeline, ...params: unknown[]): Pipeline {
          this.#queue.push(this.#recorder.record(name, params));
          return this;
        },
      });
    }
  }
}

// The typed methods, returning the pipeline.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Pipeline extends ChainableCommands<Pipeline> {}
