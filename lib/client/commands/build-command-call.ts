import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { CommandCall } from './command-call.js';
import { blockTimeoutFor } from './command-table.js';

/** A method spec with its parameter types erased, as the prototype methods use it at run time. */
export interface ErasedMethodSpec {
  args(...params: unknown[]): RedisArg[];
  reply(reply: RespValue, params: unknown[]): unknown;
  returnBuffers?: true;
}

/** Adds `blocking` / `blockTimeoutMs` from the command table to a call. */
export function withBlocking<T>(call: CommandCall<T>): CommandCall<T> {
  const blockTimeoutMs = blockTimeoutFor(call.args);
  if (blockTimeoutMs !== undefined) {
    call.blocking = true;
    call.blockTimeoutMs = blockTimeoutMs;
  }
  return call;
}

/** The CommandCall a typed method sends for these parameters. Throws DataError on invalid parameters. */
export function buildCommandCall(spec: ErasedMethodSpec, params: unknown[]): CommandCall<unknown> {
  const call: CommandCall<unknown> = { args: spec.args(...params), transform: (reply) => spec.reply(reply, params) };
  if (spec.returnBuffers) call.returnBuffers = true;
  return withBlocking(call);
}

/** The CommandCall of `call(command, ...args)`: reply as decoded. */
export function rawCommandCall(args: RedisArg[]): CommandCall<RespValue> {
  return withBlocking<RespValue>({ args });
}
