import type { PipelineResult, QueuedCall } from './call-recorder.js';
import { CommandBatch, type BatchRunner } from './command-batch.js';
import type { PipelineApi } from './batch-api.js';

export type { BatchRunner } from './command-batch.js';

/**
 * `CommandBatch` as a base whose type leaves `call` and `exec` to the subclass, so a batch can type them per
 * queued reply (`PipelineApi<R>`, `TransactionApi<R>`). The same constructor at runtime: no wrapper, no copy.
 */
export const TypedCommandBatch = CommandBatch as unknown as abstract new (run: BatchRunner) => {
  readonly length: number;
  readonly executed: boolean;
};

/**
 * A batch of commands sent in one write on one shared connection. Every typed method queues and returns the
 * pipeline (chainable) with the command's reply type appended to `R`; `exec()` resolves with `[error | null, result]`
 * per command and never rejects because one command failed.
 *
 * @example
 * const [[, ok], [, n], [, v]] = await client.pipeline().set('a', '1').incr('a').get('a').exec();
 * // ok: 'OK' | null, n: number, v: string | null  -> 'OK', 2, '2'
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-unused-vars -- the interface of the same name adds the generated, per-position typed methods (R types them)
export class Pipeline<R extends unknown[] = []> extends TypedCommandBatch {
  // Overrides CommandBatch's hook (hidden from the type by TypedCommandBatch).
  protected runQueued(queue: readonly QueuedCall[], run: BatchRunner): Promise<PipelineResult> {
    return queue.length === 0 ? Promise.resolve([]) : run(queue);
  }
}

// The typed methods, `call` and `exec`, typed per position.
export interface Pipeline<R extends unknown[] = []> extends PipelineApi<R> {}
