import { clientCacheChannel } from '../connection/connection-diagnostics.js';
import { ConfigError, RedisError } from '../errors/index.js';
import type { RedisArg, RespMap, RespValue } from '../protocol/resp-value.js';
import type { CommandCall } from './commands/command-call.js';
import { commandSpecForArgs, getKeyIndexes } from './commands/command-table.js';

/** Opt-in client-side caching (RESP3 `CLIENT TRACKING`). */
export interface ClientCacheOptions {
  /** Most replies kept; the least recently used is dropped first. Default 10000. */
  maxEntries?: number;
  /** ms an entry may be served without asking the server; 0 = until invalidated. Default 0. */
  ttl?: number;
}

export interface ClientCacheStats {
  hits: number;
  misses: number;
  /** Entries currently cached. */
  size: number;
  /** Invalidation messages received from the server (including flush-all). */
  invalidations: number;
}

/** Read-only commands whose answer changes without the key being written (time, randomness, cursors). */
const NOT_CACHEABLE = new Set([
  'TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME', 'OBJECT', 'SRANDMEMBER', 'HRANDFIELD', 'ZRANDMEMBER', 'SCAN', 'HSCAN',
  'SSCAN', 'ZSCAN', 'XPENDING', 'XINFO', 'MEMORY', 'DEBUG', 'TOUCH',
]);

interface Entry {
  value: RespValue;
  key: string;
  expires: number;
}

/** Where a cacheable call's reply is stored. */
export interface CacheSlot {
  cacheKey: string;
  key: string;
}

/**
 * A copy of a reply that shares nothing mutable with it: arrays, maps and Buffers are copied (deeply), so one caller
 * changing its result cannot change what the cache hands the next. Strings, numbers, bigints, booleans and null
 * are immutable and come back as they are: a cached GET of a string costs no copy.
 */
function privateCopy(value: RespValue): RespValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(privateCopy);
  // A nested error reply (not a cacheable read's shape, but a RespValue): an Error object, kept as it is.
  if (value instanceof RedisError) return value;
  const copy = Object.create(null) as RespMap;
  for (const key of Object.keys(value)) copy[key] = privateCopy(value[key] as RespValue);
  return copy;
}

/**
 * A bounded LRU of replies to read-only single-key commands, evicted by the server's invalidation pushes.
 * A reply that was in flight while its key was invalidated is not stored (it may predate the write).
 * Stored and returned replies are private copies (see privateCopy): no caller holds the cached object itself.
 * (Deep-freezing instead would make a cached result behave unlike an uncached one, e.g. `sort()` throwing, and
 * cannot cover Buffers, whose bytes cannot be frozen.)
 */
export class ClientCache {
  readonly #maxEntries: number;
  readonly #ttl: number;
  /** Insertion order = recency (a hit re-inserts). */
  readonly #entries = new Map<string, Entry>();
  readonly #byKey = new Map<string, Set<string>>();
  /** Keys with reads in flight; `dirty` when invalidated meanwhile. */
  readonly #reading = new Map<string, { count: number; dirty: boolean }>();
  #hits = 0;
  #misses = 0;
  #invalidations = 0;

  constructor(options: ClientCacheOptions = {}) {
    const { maxEntries = 10_000, ttl = 0 } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new ConfigError(`Invalid clientCache option 'maxEntries': expected a whole number >= 1, got ${String(maxEntries)}.`);
    }
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new ConfigError(`Invalid clientCache option 'ttl': expected a number of ms >= 0 (0 = none), got ${String(ttl)}.`);
    }
    this.#maxEntries = maxEntries;
    this.#ttl = ttl;
  }

  /** The slot of a call that may be cached, or undefined. */
  slotFor(call: CommandCall<unknown>): CacheSlot | undefined {
    if (call.blocking === true) return undefined;
    const args = call.args;
    const spec = commandSpecForArgs(args);
    if (spec === undefined || !spec.readonly || NOT_CACHEABLE.has(spec.name)) return undefined;
    const keys = getKeyIndexes(args);
    if (keys.length !== 1) return undefined;
    let cacheKey = call.returnBuffers === true ? 'b' : 's';
    for (const arg of args) {
      if (typeof arg !== 'string' && typeof arg !== 'number') return undefined;
      cacheKey += '\u0000' + String(arg);
    }
    return { cacheKey, key: String(args[keys[0]!] as RedisArg) };
  }

  /** The cached reply, as `{ value }` (a cached null is a hit). */
  get(slot: CacheSlot): { value: RespValue } | undefined {
    const entry = this.#entries.get(slot.cacheKey);
    if (entry === undefined || (entry.expires !== 0 && entry.expires <= Date.now())) {
      if (entry !== undefined) {
        this.#delete(slot.cacheKey, entry);
        if (clientCacheChannel.hasSubscribers) clientCacheChannel.publish({ event: 'evicted', reason: 'ttl', count: 1 });
      }
      this.#misses++;
      if (clientCacheChannel.hasSubscribers) clientCacheChannel.publish({ event: 'miss' });
      return undefined;
    }
    this.#hits++;
    if (clientCacheChannel.hasSubscribers) clientCacheChannel.publish({ event: 'hit' });
    this.#entries.delete(slot.cacheKey);
    this.#entries.set(slot.cacheKey, entry);
    return { value: privateCopy(entry.value) };
  }

  /** Call before sending a cacheable read. */
  beginRead(slot: CacheSlot): void {
    const reading = this.#reading.get(slot.key);
    if (reading === undefined) this.#reading.set(slot.key, { count: 1, dirty: false });
    else reading.count++;
  }

  /** Call when the read settled; stores (a private copy of) the reply unless the key was invalidated meanwhile. */
  endRead(slot: CacheSlot, reply?: { value: RespValue }): void {
    const reading = this.#reading.get(slot.key);
    if (reading === undefined) return;
    if (--reading.count === 0) this.#reading.delete(slot.key);
    if (reply === undefined || reading.dirty) return;
    const old = this.#entries.get(slot.cacheKey);
    if (old !== undefined) this.#delete(slot.cacheKey, old);
    this.#entries.set(slot.cacheKey, {
      // The caller keeps `reply.value` and may change it: the cache keeps its own copy.
      value: privateCopy(reply.value),
      key: slot.key,
      expires: this.#ttl === 0 ? 0 : Date.now() + this.#ttl,
    });
    let slots = this.#byKey.get(slot.key);
    if (slots === undefined) this.#byKey.set(slot.key, (slots = new Set()));
    slots.add(slot.cacheKey);
    if (this.#entries.size > this.#maxEntries) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#delete(oldestKey, oldest);
      if (clientCacheChannel.hasSubscribers) clientCacheChannel.publish({ event: 'evicted', reason: 'full', count: 1 });
    }
  }

  /** An `invalidate` push: these keys changed, or null = everything (FLUSHALL, tracking reset). */
  invalidate(keys: readonly RespValue[] | null): void {
    this.#invalidations++;
    if (keys === null) {
      this.flush();
      return;
    }
    for (const raw of keys) {
      const key = Buffer.isBuffer(raw) ? raw.toString() : String(raw);
      const reading = this.#reading.get(key);
      if (reading !== undefined) reading.dirty = true;
      const slots = this.#byKey.get(key);
      if (slots === undefined) continue;
      this.#byKey.delete(key);
      for (const cacheKey of slots) this.#entries.delete(cacheKey);
      if (clientCacheChannel.hasSubscribers) clientCacheChannel.publish({ event: 'evicted', reason: 'invalidation', count: slots.size });
    }
  }

  /** Drops everything (reconnect: invalidations may have been missed). Reads in flight are not stored. */
  flush(): void {
    if (this.#entries.size > 0 && clientCacheChannel.hasSubscribers) {
      clientCacheChannel.publish({ event: 'evicted', reason: 'flush', count: this.#entries.size });
    }
    this.#entries.clear();
    this.#byKey.clear();
    for (const reading of this.#reading.values()) reading.dirty = true;
  }

  stats(): ClientCacheStats {
    return { hits: this.#hits, misses: this.#misses, size: this.#entries.size, invalidations: this.#invalidations };
  }

  #delete(cacheKey: string, entry: Entry): void {
    this.#entries.delete(cacheKey);
    const slots = this.#byKey.get(entry.key);
    if (slots === undefined) return;
    slots.delete(cacheKey);
    if (slots.size === 0) this.#byKey.delete(entry.key);
  }
}
