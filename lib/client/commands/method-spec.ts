import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import { compileParamCheck, type ParamCheck } from './param-check.js';

/**
 * How one typed method turns its parameters into a command and the reply into its result. The command's routing
 * facts (keys, readonly, blocking) live in the command table (`command-table.ts`), found by the built args.
 *
 * `params` (and `options` when the last parameter is an options object) say what the method accepts; the types
 * below derive both from the family interface, so a declaration that disagrees with it does not compile.
 * `buildCommandCall` refuses anything else before `args()` runs.
 */
export type MethodSpec<P extends unknown[], R> = {
  /**
   * The parameter names, as in the interface: `'count?'` for an optional one, `'...keys'` for a rest parameter.
   * Their number is the most positional arguments the method takes (a rest parameter: no limit).
   */
  params: ParamNames<P>;
  /** Full arguments, command name first. May throw DataError for invalid parameter combinations. */
  args(...params: P): RedisArg[];
  /** Shapes the decoded reply (RESP2 or RESP3) into the result; gets the method's parameters for options. */
  reply(reply: RespValue, params: P): R;
  /** The reply is binary whatever the view (DUMP): always decode it as Buffers. */
  returnBuffers?: true;
} & OptionsDeclaration<LastParam<P>>;

/** The accepted keys of an options object: exactly the keys of its type (a missing or extra key does not compile). */
export type OptionKeys<T> = { readonly [K in AllKeys<T>]-?: true };

type AllKeys<T> = T extends unknown ? keyof T : never;

/** `'name'`, `'name?'` when optional, and `'...name'` for a rest parameter; one per parameter. */
type ParamNames<P extends readonly unknown[]> = number extends P['length']
  ? P extends readonly [unknown, ...infer T]
    ? readonly [string, ...ParamNames<T>]
    : readonly [`...${string}`]
  : { readonly [K in keyof P]-?: undefined extends P[K] ? `${string}?` : string };

type LastParam<P extends readonly unknown[]> = number extends P['length']
  ? never
  : Required<P> extends readonly [...unknown[], infer L]
    ? NonNullable<L>
    : never;

/**
 * A plain object with named keys (not an array, Buffer, Map or free-form record such as CONFIG SET's): its keys are
 * checked. A union counts when every member is one (`BitRange`).
 */
type IsOptionsObject<T> = [T] extends [never]
  ? false
  : [T] extends [object]
    ? [Extract<T, readonly unknown[] | Uint8Array | ReadonlyMap<unknown, unknown> | ((...a: never[]) => unknown)>] extends [never]
      ? string extends AllKeys<T>
        ? false
        : true
      : false
    : false;

type OptionsDeclaration<L> = IsOptionsObject<L> extends true
  ? { /** The keys the last parameter (an options object) accepts. */ options: OptionKeys<L> }
  : { options?: never };

/**
 * One MethodSpec per method of a family interface `I`, type-checked against the interface's parameter and result
 * types, so the table and the interface cannot drift apart.
 */
export type MethodTable<I> = {
  [K in keyof I]-?: I[K] extends (...params: infer P) => Promise<infer R> ? MethodSpec<P, R> : never;
};

/** A method spec with its parameter types erased, as the prototype methods use it at run time. */
export interface ErasedMethodSpec {
  readonly params: readonly string[];
  readonly options?: Readonly<Record<string, true>>;
  args(...params: unknown[]): RedisArg[];
  reply(reply: RespValue, params: unknown[]): unknown;
  returnBuffers?: true;
  /** Set by `methodTable()`: what `buildCommandCall` checks on every call. */
  readonly check: ParamCheck;
}

/** Erased specs by method name, ready for buildCommandCall. */
export type CompiledMethodTable<I> = { readonly [K in keyof I]-?: ErasedMethodSpec };

/**
 * The table with its types checked against the family interface; compiles each method's `params` / `options`
 * into the check `buildCommandCall` runs (throws at load when a declaration is malformed).
 */
export function methodTable<I>(table: MethodTable<I>): CompiledMethodTable<I> {
  const specs = table as unknown as Record<string, Omit<ErasedMethodSpec, 'check'> & { check?: ParamCheck }>;
  for (const [name, spec] of Object.entries(specs)) spec.check = compileParamCheck(name, spec.params, spec.options);
  return table as unknown as CompiledMethodTable<I>;
}
