import type { RespValue } from '../../protocol/resp-value.js';
import type { StringOrBuffer } from './command-types.js';
import {
  asArray, asInteger, asNullableInteger, asNullableText, asPairs, asRecord, asText, asTextArray, isRespMap, newRecord,
} from './reply-transforms.js';

/** One stream entry. `fields` is `{}` for an entry deleted while pending (XREADGROUP history). */
export interface StreamEntry<S extends StringOrBuffer = string> {
  id: string;
  fields: Record<string, S>;
}

/** XREAD / XREADGROUP: the entries read from one stream. */
export interface StreamMessages<S extends StringOrBuffer = string> {
  name: string;
  messages: StreamEntry<S>[];
}

export interface PendingSummary {
  count: number;
  /** Smallest / greatest pending id; null when nothing is pending. */
  first: string | null;
  last: string | null;
  consumers: { name: string; count: number }[];
}

export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

export interface AutoClaimResult<S extends StringOrBuffer = string> {
  /** Cursor for the next XAUTOCLAIM ('0-0' when the scan is complete). */
  nextId: string;
  entries: StreamEntry<S>[];
  /** Ids that were pending but no longer exist (removed from the PEL). Redis 7. */
  deletedIds: string[];
}

export interface StreamInfo<S extends StringOrBuffer = string> {
  length: number;
  radixTreeKeys: number;
  radixTreeNodes: number;
  lastGeneratedId: string;
  /** Redis 7+ fields; null on older servers. */
  maxDeletedEntryId: string | null;
  entriesAdded: number | null;
  recordedFirstEntryId: string | null;
  groups: number;
  firstEntry: StreamEntry<S> | null;
  lastEntry: StreamEntry<S> | null;
}

export interface StreamGroupInfo {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Redis 7+; null when unknown. */
  entriesRead: number | null;
  lag: number | null;
}

export interface StreamConsumerInfo {
  name: string;
  pending: number;
  idleMs: number;
  /** Redis 7.2+: ms since the last successful read; null before. */
  inactiveMs: number | null;
}

export function asStreamEntry(value: RespValue): StreamEntry {
  const [id, fields] = asArray(value);
  return { id: asText(id ?? null), fields: fields === null || fields === undefined ? newRecord() : asRecord(fields) };
}

export function asStreamEntries(value: RespValue): StreamEntry[] {
  return asArray(value).map(asStreamEntry);
}

/** RESP2 `[[name, entries], ...]` or RESP3 `{ name: entries }` → `[{ name, messages }]`; null when nothing was read. */
export function asStreamMessages(value: RespValue): StreamMessages[] | null {
  if (value === null) return null;
  const streams = isRespMap(value) ? asPairs(value) : asArray(value).map((s) => asArray(s));
  return streams.map(([name, entries]) => ({ name: asText(name ?? null), messages: asStreamEntries(entries ?? null) }));
}

export function asPendingSummary(value: RespValue): PendingSummary {
  const [count, first, last, consumers] = asArray(value);
  return {
    count: asInteger(count ?? 0),
    first: asNullableText(first ?? null),
    last: asNullableText(last ?? null),
    consumers: asArray(consumers ?? null).map((c) => {
      const [name, n] = asArray(c);
      return { name: asText(name ?? null), count: asInteger(n ?? 0) };
    }),
  };
}

export function asPendingEntries(value: RespValue): PendingEntry[] {
  return asArray(value).map((e) => {
    const [id, consumer, idle, deliveries] = asArray(e);
    return { id: asText(id ?? null), consumer: asText(consumer ?? null), idleMs: asInteger(idle ?? 0), deliveries: asInteger(deliveries ?? 0) };
  });
}

export function asAutoClaimResult(value: RespValue): AutoClaimResult {
  const [nextId, entries, deleted] = asArray(value);
  return {
    nextId: asText(nextId ?? null),
    // XAUTOCLAIM can list a deleted entry as [id, null] on older servers; drop those.
    entries: asArray(entries ?? null).filter((e) => asArray(e)[1] !== null).map(asStreamEntry),
    deletedIds: asTextArray(deleted ?? null),
  };
}

/** A flat RESP2 list or RESP3 map of `kebab-case-field → value` as a lookup. */
function fieldsOf(value: RespValue): Map<string, RespValue> {
  return new Map(asPairs(value).map(([k, v]) => [asText(k), v]));
}

function nullableEntry(value: RespValue | undefined): StreamEntry | null {
  return value === undefined || value === null ? null : asStreamEntry(value);
}

export function asStreamInfo(value: RespValue): StreamInfo {
  const f = fieldsOf(value);
  return {
    length: asInteger(f.get('length') ?? 0),
    radixTreeKeys: asInteger(f.get('radix-tree-keys') ?? 0),
    radixTreeNodes: asInteger(f.get('radix-tree-nodes') ?? 0),
    lastGeneratedId: asText(f.get('last-generated-id') ?? null),
    maxDeletedEntryId: asNullableText(f.get('max-deleted-entry-id') ?? null),
    entriesAdded: asNullableInteger(f.get('entries-added') ?? null),
    recordedFirstEntryId: asNullableText(f.get('recorded-first-entry-id') ?? null),
    groups: asInteger(f.get('groups') ?? 0),
    firstEntry: nullableEntry(f.get('first-entry')),
    lastEntry: nullableEntry(f.get('last-entry')),
  };
}

export function asStreamGroupInfos(value: RespValue): StreamGroupInfo[] {
  return asArray(value).map((g) => {
    const f = fieldsOf(g);
    return {
      name: asText(f.get('name') ?? null),
      consumers: asInteger(f.get('consumers') ?? 0),
      pending: asInteger(f.get('pending') ?? 0),
      lastDeliveredId: asText(f.get('last-delivered-id') ?? null),
      entriesRead: asNullableInteger(f.get('entries-read') ?? null),
      lag: asNullableInteger(f.get('lag') ?? null),
    };
  });
}

export function asStreamConsumerInfos(value: RespValue): StreamConsumerInfo[] {
  return asArray(value).map((c) => {
    const f = fieldsOf(c);
    return {
      name: asText(f.get('name') ?? null),
      pending: asInteger(f.get('pending') ?? 0),
      idleMs: asInteger(f.get('idle') ?? 0),
      inactiveMs: asNullableInteger(f.get('inactive') ?? null),
    };
  });
}
