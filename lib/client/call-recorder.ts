import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { buildCommandCall, rawCommandCall, type ErasedMethodSpec } from './commands/build-command-call.js';
import type { CommandCall } from './commands/command-call.js';
import { commandMethods, type CommandMethodName } from './commands/command-methods.js';

/** A queued command whose parameters were invalid: its rejection (DataError), reported in place by `exec()`. */
export class FailedCall {
  constructor(readonly failed: Promise<unknown>) {}
}

/** One queued command of a pipeline or transaction: the built call (stored as is: no wrapper per command), or why it could not be built. */
export type QueuedCall = CommandCall<unknown> | FailedCall;

/**
 * Builds the call of typed method `name` without sending it, exactly as the client's method would (same command
 * table, same argument checks). Pipeline and Transaction queue these. Invalid parameters (DataError) are kept as
 * a rejected promise for that entry, so `exec()` reports them in place.
 */
export function recordMethod(name: CommandMethodName, params: unknown[]): QueuedCall {
  try {
    return buildCommandCall(commandMethods[name] as unknown as ErasedMethodSpec, params);
  } catch (error) {
    const failed = Promise.reject(error);
    failed.catch(() => undefined);
    return new FailedCall(failed);
  }
}

/** The queued form of `call(command, ...args)`: reply as decoded. */
export function recordRaw(command: string, args: RedisArg[]): QueuedCall {
  return rawCommandCall([command, ...args]);
}

/** `[error, result]` per command, in order; the ioredis shape. */
export type PipelineResult = [Error | null, unknown][];

export { asError } from '../errors/as-error.js';

export type { RespValue };
