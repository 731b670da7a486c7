import type { RedisArg } from '../../protocol/resp-value.js';

/** A key: text or raw bytes. */
export type RedisKey = string | Buffer;
/** A value argument: text, bytes or a number (sent as its decimal text). */
export type RedisValue = RedisArg;
/** `string` by default; `Buffer` on a `withBuffers()` view. Threaded through every family interface. */
export type StringOrBuffer = string | Buffer;

export interface ScoredMember<S extends StringOrBuffer = string> {
  member: S;
  score: number;
}

/** Condition of EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT (Redis 7). */
export type ExpireCondition = 'NX' | 'XX' | 'GT' | 'LT';

/** Every value key `K` can have in options `O`: `undefined` when absent or optional. Distributes over a union `O`. */
type OptionValue<O, K extends PropertyKey> = O extends unknown ? (K extends keyof O ? O[K] : undefined) : never;

/** `'on'` and/or `'off'`: whether the option value `V` can match `On`. Distributes, so `boolean` gives both. */
type FlagState<V, On> = [V] extends [never] ? 'off' : V extends On ? 'on' : 'off';

/**
 * A reply type chosen by an option flag: `A` when `O[K]` is always `On` (`true` by default), `B` when it never is
 * (false, absent, undefined), `A | B` when it may be either: a plain `boolean`, an optional key, or a union of
 * options. So `zrange(k, 0, -1, { WITHSCORES: flag })` with `flag: boolean` is `string[] | ScoredMember[]`.
 */
export type Flag<O, K extends PropertyKey, A, B, On = true> = FlagOf<FlagState<OptionValue<O, K>, On>, A, B>;

/** Like `Flag`, for a reply shape chosen by any of several flags (GEOSEARCH WITHCOORD / WITHDIST / WITHHASH). */
export type AnyFlag<O, K extends PropertyKey, A, B> = O extends unknown
  ? FlagOf<[AlwaysOn<O, K>] extends [never] ? { [P in K]: FlagState<OptionValue<O, P>, true> }[K] : 'on', A, B>
  : never;

/** Keys of `K` whose flag is on in every case. */
type AlwaysOn<O, K extends PropertyKey> = { [P in K]: 'off' extends FlagState<OptionValue<O, P>, true> ? never : P }[K];

type FlagOf<State, A, B> = [State] extends ['on'] ? A : [State] extends ['off'] ? B : A | B;
