import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { StringOrBuffer } from './command-types.js';
import type { RedisCommandMethods } from './command-methods.js';

/**
 * The command API shared by every topology: the typed methods plus `call`.
 *
 * Note: this is the command-table part only. RedisClient and ClusterClient extend it in their own interfaces with
 * `pipeline()`, `multi()`, pub/sub and the scan iterators (see lib/client), so `@InjectRedis()` code sees one
 * interface whatever the topology.
 */
export interface RedisCommands<S extends StringOrBuffer = string> extends RedisCommandMethods<S> {
  /** Any command, reply as decoded. */
  call(command: string, ...args: RedisArg[]): Promise<RespValue>;
}

/**
 * The same methods returning `Self` instead of a promise: what a chainable Pipeline/Transaction exposes.
 * (Overloaded methods keep their last overload only; the table avoids overloads for that reason.)
 */
export type ChainableCommands<Self, S extends StringOrBuffer = string> = {
  [K in keyof RedisCommandMethods<S>]: RedisCommandMethods<S>[K] extends (...args: infer P) => Promise<unknown> ? (...args: P) => Self : never;
};
