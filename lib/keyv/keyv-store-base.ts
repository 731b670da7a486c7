import { EventEmitter } from 'node:events';
import { ConfigError, DataError, type RedisCommands } from '../index.js';
import { KEYV_STORE_DEFAULTS, type KeyvClient, type RedwireKeyvStoreOptions } from './keyv-store-options.js';
import { keysWithPrefix, unlinkWithPrefix } from '../index.js';

/** One entry of `setMany`: `expires` is an absolute Unix time in ms (Keyv 6), or absent for no expiry. */
export interface KeyvStoreEntry {
  key: string;
  value: unknown;
  expires?: number;
}

const STORAGE_METHODS = [
  'get', 'getMany', 'has', 'hasMany', 'set', 'setMany', 'delete', 'deleteMany', 'clear', 'disconnect', 'iterator',
] as const;

/** Keyv 6's capability descriptor, built here so the store needs no runtime import of keyv. */
export interface KeyvStoreCapabilities {
  compatible: true;
  store: 'keyvStorage';
  methods: Record<(typeof STORAGE_METHODS)[number], { exists: true; methodType: 'async' }>;
  /** Keyv 6 contract: `set`/`setMany` take an absolute `expires` timestamp. */
  expires: true;
}

const CAPABILITIES: KeyvStoreCapabilities = {
  compatible: true,
  store: 'keyvStorage',
  methods: Object.fromEntries(STORAGE_METHODS.map((name) => [name, { exists: true, methodType: 'async' }])) as
    KeyvStoreCapabilities['methods'],
  expires: true,
};

/**
 * Below this, the third argument of `set` is a relative TTL in ms (Keyv 5 passes one), above it an absolute
 * timestamp (Keyv 6). 1e11 ms is March 1973 as a date and 3.2 years as a duration.
 */
const ABSOLUTE_EXPIRY_FLOOR = 1e11;

function checkOptions(options: RedwireKeyvStoreOptions): void {
  for (const name of ['namespace', 'namespaceSeparator'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new ConfigError(`RedwireKeyvStore option '${name}' must be a string, got ${typeof value}.`);
    }
  }
  const count = options.scanCount;
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new ConfigError(`RedwireKeyvStore option 'scanCount' must be a positive integer, got ${String(count)}.`);
  }
}

/**
 * The Keyv storage adapter over a redwire client (standalone, Sentinel or Cluster); `V` is what reads return.
 * Use `RedwireKeyvStore` (strings) or `RedwireKeyvBufferStore` (Buffers).
 * Values are stored as Keyv serialised them (strings, or Buffers); expiry is Redis' own (`SET ... PX`).
 * The store adds no listener to the client and `disconnect()` leaves a shared client open.
 */
export class KeyvStoreBase<V extends string | Buffer> extends EventEmitter {
  /** Set by Keyv from its `namespace` option; `undefined` turns prefixing off (and makes `clear()` refuse). */
  namespace: string | undefined;
  readonly #client: KeyvClient;
  readonly #separator: string;
  readonly #hashTag: boolean;
  readonly #returnBuffers: boolean;
  readonly #scanCount: number;
  readonly #closeClient: boolean;

  protected constructor(client: KeyvClient, options: RedwireKeyvStoreOptions, returnBuffers: boolean) {
    super();
    if (client === null || typeof client !== 'object' || typeof client.get !== 'function') {
      throw new ConfigError('RedwireKeyvStore needs a redwire client (RedisClient or ClusterClient) as its first argument.');
    }
    checkOptions(options);
    const merged = { ...KEYV_STORE_DEFAULTS, ...options };
    if (returnBuffers && typeof client.withBuffers !== 'function') {
      throw new ConfigError('RedwireKeyvBufferStore needs a client with withBuffers() (RedisClient, ClusterClient).');
    }
    this.#client = client;
    this.namespace = merged.namespace;
    this.#separator = merged.namespaceSeparator;
    this.#hashTag = merged.hashTag;
    this.#returnBuffers = returnBuffers;
    this.#scanCount = merged.scanCount;
    this.#closeClient = merged.closeClient;
  }

  /** As EventEmitter's (and `rawListeners`), typed the way Keyv's `IEventEmitter` expects, so the store type-checks as a `KeyvStorageAdapter`. */
  override listeners(eventName: string | symbol): ((...args: unknown[]) => void)[] {
    return super.listeners(eventName) as ((...args: unknown[]) => void)[];
  }

  override rawListeners(eventName: string | symbol): ((...args: unknown[]) => void)[] {
    return super.rawListeners(eventName) as ((...args: unknown[]) => void)[];
  }

  /** Keyv 6 reads this to use the store directly (absolute `expires`), without its legacy bridge. */
  get capabilities(): KeyvStoreCapabilities {
    return CAPABILITIES;
  }

  /** Keyv 5 reads `opts.dialect` to decide the store can iterate. Never holds the client or credentials. */
  get opts(): { dialect: 'redis'; namespace: string | undefined; namespaceSeparator: string; hashTag: boolean } {
    return { dialect: 'redis', namespace: this.namespace, namespaceSeparator: this.#separator, hashTag: this.#hashTag };
  }

  /** The Redis key of a Keyv key. */
  redisKey(key: string): string {
    return this.#prefix() + key;
  }

  async get(key: string): Promise<V | undefined> {
    const value = this.#returnBuffers ? await this.#buffers().get(this.redisKey(key)) : await this.#client.get(this.redisKey(key));
    return (value ?? undefined) as V | undefined;
  }

  /** One MGET (split per slot by a cluster client; one command when `hashTag` is on). */
  async getMany(keys: string[]): Promise<(V | undefined)[]> {
    if (keys.length === 0) return [];
    return this.#mget(keys.map((key) => this.redisKey(key)));
  }

  /**
   * `expires`: absolute Unix ms (Keyv 6) or, below year 1973, a relative TTL in ms (Keyv 5). An expiry already
   * past deletes the key. Values must be strings or Buffers (keep Keyv's serialization on).
   */
  async set(key: string, value: unknown, expires?: number): Promise<boolean> {
    const stored = this.#storable(value);
    const ttl = this.#ttlOf(expires);
    if (ttl === undefined) await this.#client.set(this.redisKey(key), stored);
    else if (ttl <= 0) await this.#client.del(this.redisKey(key));
    else await this.#client.set(this.redisKey(key), stored, { PX: ttl });
    return true;
  }

  /** One SET per entry, sent together (each keeps its own expiry; a cluster client routes each by its key). */
  async setMany(entries: KeyvStoreEntry[]): Promise<boolean[]> {
    return Promise.all(entries.map((entry) => this.set(entry.key, entry.value, entry.expires)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#client.del(this.redisKey(key))) > 0;
  }

  /** One DEL per key, sent together, so each key reports whether it existed. */
  async deleteMany(keys: string[]): Promise<boolean[]> {
    return Promise.all(keys.map((key) => this.delete(key)));
  }

  async has(key: string): Promise<boolean> {
    return (await this.#client.exists(this.redisKey(key))) > 0;
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return Promise.all(keys.map((key) => this.has(key)));
  }

  /**
   * Removes every key of the namespace: SCAN (never KEYS) on every primary, UNLINK in batches. Without a namespace
   * it refuses (ConfigError) rather than empty a database the app may share.
   */
  async clear(): Promise<void> {
    if (this.namespace === undefined || this.namespace === '') {
      throw new ConfigError(
        'RedwireKeyvStore.clear() without a namespace would delete every key of the database: give Keyv (or the store) a namespace.',
      );
    }
    await unlinkWithPrefix(this.#client, this.#prefix(), this.#scanCount);
  }

  /** [key, stored value] of every key of the namespace (SCAN, then one MGET per page of keys). */
  async *iterator(): AsyncGenerator<[string, V], void> {
    const prefix = this.#prefix();
    let page: string[] = [];
    for await (const redisKey of keysWithPrefix(this.#client, prefix, this.#scanCount, true)) {
      page.push(redisKey);
      if (page.length >= this.#scanCount) {
        yield* this.#readPage(prefix, page);
        page = [];
      }
    }
    if (page.length > 0) yield* this.#readPage(prefix, page);
  }

  /** Leaves a shared client open (the default); quits it only with `closeClient: true`. */
  async disconnect(): Promise<void> {
    if (this.#closeClient) await this.#client.quit();
  }

  async *#readPage(prefix: string, redisKeys: string[]): AsyncGenerator<[string, V], void> {
    const values = await this.#mget(redisKeys);
    for (let i = 0; i < redisKeys.length; i++) {
      const value = values[i];
      // Deleted or expired between SCAN and MGET.
      if (value !== undefined) yield [redisKeys[i].slice(prefix.length), value];
    }
  }

  async #mget(redisKeys: string[]): Promise<(V | undefined)[]> {
    const values = this.#returnBuffers ? await this.#buffers().mget(...redisKeys) : await this.#client.mget(...redisKeys);
    return values.map((value) => (value ?? undefined) as V | undefined);
  }

  /** The Buffer view of the client (checked in the constructor of the Buffer store). */
  #buffers(): Pick<RedisCommands<Buffer>, 'get' | 'mget'> {
    return (this.#client.withBuffers as () => Pick<RedisCommands<Buffer>, 'get' | 'mget'>).call(this.#client);
  }

  #prefix(): string {
    const namespace = this.namespace;
    if (namespace === undefined || namespace === '') return '';
    return (this.#hashTag ? `{${namespace}}` : namespace) + this.#separator;
  }

  #storable(value: unknown): string | Buffer {
    if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
    throw new DataError(
      `RedwireKeyvStore.set: the value is ${value === null ? 'null' : `a ${typeof value}`}, not a string or Buffer. ` +
        'Keep Keyv serialization on (the default) or serialize values yourself.',
    );
  }

  /** ms to live: undefined = no expiry, <= 0 = already expired. */
  #ttlOf(expires: number | undefined): number | undefined {
    if (expires === undefined || expires === null || !Number.isFinite(expires)) return undefined;
    if (expires < ABSOLUTE_EXPIRY_FLOOR) return Math.ceil(expires);
    return Math.ceil(expires - Date.now());
  }
}
