import type { PoolCommandOptions, PoolConnection } from '../pool/pool-connection.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { CommandCall } from './commands/command-call.js';

/** Anything with the connection's `sendCommand` (a connection or a pool's shared path). */
export interface CommandSender {
  sendCommand<T = RespValue>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T>;
}

/**
 * The per-command options of a call for the connection. Undefined when there are none (the common case: no
 * allocation). A blocking call gets its timeout extended by how long the server may block (`blockTimeoutMs`).
 */
export function commandOptionsOf(call: CommandCall<unknown>, commandTimeout: number): PoolCommandOptions | undefined {
  let timeout = call.timeout;
  if (call.blocking === true) {
    const base = timeout ?? commandTimeout;
    const block = call.blockTimeoutMs;
    // No base deadline, or the server may block forever: no deadline at all.
    timeout = base === 0 || block === 0 ? 0 : base + (block ?? 0);
  }
  if (call.signal === undefined && timeout === undefined && call.returnBuffers !== true) return undefined;
  const options: PoolCommandOptions = {};
  if (call.blocking === true) options.blocking = true;
  if (call.signal !== undefined) options.signal = call.signal;
  if (timeout !== undefined) options.timeout = timeout;
  if (call.returnBuffers === true) options.returnBuffers = true;
  return options;
}

/** Sends a call and applies its reply transform (a throwing transform rejects). */
export function sendCall<T>(target: CommandSender | PoolConnection, call: CommandCall<T>, commandTimeout: number): Promise<T> {
  const reply = target.sendCommand<RespValue>(call.args, commandOptionsOf(call, commandTimeout));
  const transform = call.transform;
  return transform === undefined ? (reply as Promise<T>) : reply.then(transform);
}
