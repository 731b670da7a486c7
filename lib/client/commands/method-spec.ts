import type { RedisArg, RespValue } from '../../protocol/resp-value.js';

/**
 * How one typed method turns its parameters into a command and the reply into its result. The command's routing
 * facts (keys, readonly, blocking) live in the command table (`command-table.ts`), found by the built args.
 */
export interface MethodSpec<P extends unknown[], R> {
  /** Full arguments, command name first. May throw DataError for invalid parameter combinations. */
  args(...params: P): RedisArg[];
  /** Shapes the decoded reply (RESP2 or RESP3) into the result; gets the method's parameters for options. */
  reply(reply: RespValue, params: P): R;
  /** The reply is binary whatever the view (DUMP): always decode it as Buffers. */
  returnBuffers?: true;
}

/**
 * One MethodSpec per method of a family interface `I`, type-checked against the interface's parameter and result
 * types, so the table and the interface cannot drift apart.
 */
export type MethodTable<I> = {
  [K in keyof I]-?: I[K] extends (...params: infer P) => Promise<infer R> ? MethodSpec<P, R> : never;
};

/** Identity with the table's type checked against the family interface. */
export function methodTable<I>(table: MethodTable<I>): MethodTable<I> {
  return table;
}
