import type { RespMap, RespValue } from '../../protocol/resp-value.js';
import type { ScoredMember } from './command-types.js';

/*
 * Small reply shapers shared by the command families. Each accepts both the RESP2 and the RESP3 form of a reply and
 * returns one JS shape, so a method gives identical results in both protocols.
 *
 * "Bulk" values pass through untouched: they are strings, or Buffers when the call asked for `returnBuffers`. The
 * method tables are type-checked against the string form of each family interface; the Buffer form of the same
 * interface (`S = Buffer`) describes what these pass-throughs give in buffer mode. Values that are never user data
 * (ids, field names used as object keys, numbers sent as text) are converted with `asText`.
 */

export function isRespMap(value: RespValue): value is RespMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Error);
}

/** An object without a prototype, so field names such as `__proto__` are plain data. */
export function newRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Text of a scalar reply (Buffer decoded as UTF-8); '' for null and aggregates. */
export function asText(value: RespValue): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return '';
}

export function asNullableText(value: RespValue): string | null {
  return value === null ? null : asText(value);
}

/** A bulk reply passed through (string, or Buffer in buffer mode). */
export function asBulk(value: RespValue): string {
  return value as string;
}

export function asNullableBulk(value: RespValue): string | null {
  return value === null ? null : (value as string);
}

export function asInteger(value: RespValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number(asText(value));
}

export function asNullableInteger(value: RespValue): number | null {
  return value === null ? null : asInteger(value);
}

/** A double: RESP3 sends a number, RESP2 text that may be `inf`, `-inf` or `nan`. */
export function asDouble(value: RespValue): number {
  if (typeof value === 'number') return value;
  const text = asText(value).toLowerCase();
  if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

export function asNullableDouble(value: RespValue): number | null {
  return value === null ? null : asDouble(value);
}

/** Integer 1/0 (or a RESP3 boolean) as a boolean. */
export function asBoolean(value: RespValue): boolean {
  return value === true || value === 1 || asText(value) === '1';
}

/** A status reply such as `OK`, always as a string (also in buffer mode). */
export function asOk(value: RespValue): 'OK' {
  return asText(value) as 'OK';
}

export function asStatus(value: RespValue): string {
  return asText(value);
}

export function asArray(value: RespValue): RespValue[] {
  if (Array.isArray(value)) return value;
  if (isRespMap(value)) {
    const out: RespValue[] = [];
    for (const k in value) out.push(k, value[k] ?? null);
    return out;
  }
  return [];
}

export function asBulkArray(value: RespValue): string[] {
  return asArray(value) as string[];
}

export function asNullableBulkArray(value: RespValue): (string | null)[] {
  return asArray(value) as (string | null)[];
}

export function asTextArray(value: RespValue): string[] {
  return asArray(value).map(asText);
}

export function asIntegerArray(value: RespValue): number[] {
  return asArray(value).map(asInteger);
}

export function asBooleanArray(value: RespValue): boolean[] {
  return asArray(value).map(asBoolean);
}

/**
 * Key/value pairs from a RESP2 flat array `[k1, v1, k2, v2]`, a RESP3 map, or a RESP3 array of pairs
 * `[[k1, v1], [k2, v2]]` (HRANDFIELD WITHVALUES, ZRANGE WITHSCORES).
 */
export function asPairs(value: RespValue): [RespValue, RespValue][] {
  if (isRespMap(value)) return Object.keys(value).map((k): [RespValue, RespValue] => [k, value[k] ?? null]);
  if (!Array.isArray(value)) return [];
  if (value.length > 0 && Array.isArray(value[0])) {
    return value.map((pair): [RespValue, RespValue] => {
      const p = pair as RespValue[];
      return [p[0] ?? null, p[1] ?? null];
    });
  }
  const out: [RespValue, RespValue][] = [];
  for (let i = 0; i + 1 < value.length; i += 2) out.push([value[i] ?? null, value[i + 1] ?? null]);
  return out;
}

/**
 * `Record<field, bulk>` from a flat array or a map (HGETALL, CONFIG GET, stream entry fields). A RESP3 map is
 * already a fresh null-prototype object of strings (the decoder's map keys are text): it is returned as is.
 */
export function asRecord(value: RespValue): Record<string, string> {
  if (isRespMap(value)) return value as Record<string, string>;
  const out = newRecord<string>();
  if (!Array.isArray(value)) return out;
  const n = value.length;
  if (n > 0 && Array.isArray(value[0])) {
    for (let i = 0; i < n; i++) {
      const p = value[i] as RespValue[];
      out[asText(p[0] ?? null)] = (p[1] ?? null) as string;
    }
    return out;
  }
  for (let i = 0; i + 1 < n; i += 2) {
    const k = value[i]!;
    out[typeof k === 'string' ? k : asText(k)] = value[i + 1] as string;
  }
  return out;
}

/** `Record<name, text>` (CONFIG GET): like `asRecord`, with every value as text, also in buffer mode. */
export function asTextRecord(value: RespValue): Record<string, string> {
  const out = asRecord(value);
  for (const k in out) {
    const v = out[k] as RespValue;
    if (typeof v !== 'string') out[k] = asText(v);
  }
  return out;
}

/** `Record<name, T>` with each value shaped by `shape` (XINFO, ROLE-like replies, FUNCTION LIST). */
export function asRecordOf<T>(value: RespValue, shape: (v: RespValue, key: string) => T): Record<string, T> {
  const out = newRecord<T>();
  if (isRespMap(value)) {
    for (const key in value) out[key] = shape(value[key] ?? null, key);
    return out;
  }
  for (const [k, v] of asPairs(value)) {
    const key = asText(k);
    out[key] = shape(v, key);
  }
  return out;
}

/** Members with scores, from `[m, s, m, s]` (RESP2) or `[[m, s], ...]` (RESP3). */
export function asScoredMembers(value: RespValue): ScoredMember[] {
  return asPairs(value).map(([member, score]) => ({ member: member as string, score: asDouble(score) }));
}

/** A null reply stays null, anything else is shaped. */
export function nullable<T>(shape: (v: RespValue) => T): (v: RespValue) => T | null {
  return (v) => (v === null ? null : shape(v));
}
