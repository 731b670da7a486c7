import type { RespValue } from '../protocol/resp-value.js';
import type { CommandCall } from './commands/command-call.js';
import { CommandsBase } from './commands/commands-base.js';

/** One queued command of a pipeline or transaction: the built call, or why it could not be built. */
export type QueuedCall = { call: CommandCall<unknown>; failed?: undefined } | { call?: undefined; failed: Promise<unknown> };

type MethodBag = Record<string, (...params: unknown[]) => Promise<unknown>>;

const NEVER = new Promise<never>(() => undefined);

/**
 * Runs the typed methods of `CommandsBase` without sending anything: each builds its `CommandCall`, which is
 * captured. Pipeline and Transaction use it so they share the method table with the client.
 */
export class CallRecorder extends CommandsBase {
  #last: CommandCall<unknown> | undefined;

  /** Builds the call of method `name` (or `call` for raw commands). */
  record(name: string, params: unknown[]): QueuedCall {
    this.#last = undefined;
    const result = (this as unknown as MethodBag)[name]!.apply(this, params);
    const call = this.#last as CommandCall<unknown> | undefined;
    this.#last = undefined;
    if (call !== undefined) return { call };
    // The method rejected while building its arguments (DataError): keep the rejection for this entry.
    result.catch(() => undefined);
    return { failed: result };
  }

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.#last = call as CommandCall<unknown>;
    return NEVER;
  }
}

/** `[error, result]` per command, in order; the ioredis shape. */
export type PipelineResult = [Error | null, unknown][];

/** Turns settled replies into `[error, result]` pairs. */
export function toResults(settled: PromiseSettledResult<unknown>[]): PipelineResult {
  return settled.map((s) => (s.status === 'fulfilled' ? [null, s.value] : [asError(s.reason), null]));
}

export function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

export type { RespValue };
