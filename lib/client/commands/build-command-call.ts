import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { CommandCall } from './command-call.js';
import { blockTimeoutFor } from './command-table.js';
import type { ErasedMethodSpec } from './method-spec.js';
import { checkParams } from './param-check.js';
import { asBulk, asNullableBulk } from './reply-transforms.js';

export type { ErasedMethodSpec } from './method-spec.js';

/** Adds `blocking` / `blockTimeoutMs` from the command table to a call. */
export function withBlocking<T>(call: CommandCall<T>): CommandCall<T> {
  const blockTimeoutMs = blockTimeoutFor(call.args);
  if (blockTimeoutMs !== undefined) {
    call.blocking = true;
    call.blockTimeoutMs = blockTimeoutMs;
  }
  return call;
}

/**
 * The CommandCall a typed method sends for these parameters. Throws DataError on invalid parameters: ones the method
 * does not take (surplus arguments, unknown option keys, tokens where an options object belongs) before `args()`
 * runs, then whatever `args()` refuses. Client methods, Pipeline and Transaction all build their calls here.
 */
export function buildCommandCall(spec: ErasedMethodSpec, params: unknown[]): CommandCall<unknown> {
  checkParams(spec, params);
  const call: CommandCall<unknown> = { args: spec.args(...params), transform: transformOf(spec, params) };
  if (spec.returnBuffers) call.returnBuffers = true;
  return withBlocking(call);
}

/** Shapers that return the reply unchanged: a call using one needs no transform (no closure, no extra promise). */
const PASS_THROUGH: ReadonlySet<unknown> = new Set<unknown>([asBulk, asNullableBulk]);

/**
 * The transform of a call: undefined for a pass-through shaper, the shaper itself when it ignores the method's
 * parameters (one argument), else a closure over them.
 */
function transformOf(spec: ErasedMethodSpec, params: unknown[]): ((reply: RespValue) => unknown) | undefined {
  const shape = spec.reply;
  if (PASS_THROUGH.has(shape)) return undefined;
  if (shape.length < 2) return shape as (reply: RespValue) => unknown;
  return (reply) => shape(reply, params);
}

/** The CommandCall of `call(command, ...args)`: reply as decoded. */
export function rawCommandCall(args: RedisArg[]): CommandCall<RespValue> {
  return withBlocking<RespValue>({ args });
}
