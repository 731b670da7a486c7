import type { PipelineResult, QueuedCall } from './call-recorder.js';
import { CommandBatch, type BatchRunner } from './command-batch.js';
import type { ChainableCommands } from './commands/redis-commands.js';

export type { BatchRunner } from './command-batch.js';

/**
 * A batch of commands sent in one write on one shared connection. Every typed method queues and returns the
 * pipeline (chainable); `exec()` resolves with `[error | null, result]` per command and never rejects because one
 * command failed.
 *
 * @example
 * const results = await client.pipeline().set('a', '1').incr('a').get('a').exec();
 * // [[null, 'OK'], [null, 2], [null, '2']]
 */
export class Pipeline extends CommandBatch {
  protected override runQueued(queue: readonly QueuedCall[], run: BatchRunner): Promise<PipelineResult> {
    return queue.length === 0 ? Promise.resolve([]) : run(queue);
  }
}

// The typed methods, returning the pipeline.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Pipeline extends ChainableCommands<Pipeline> {}
