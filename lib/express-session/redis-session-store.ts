import { Store, type SessionData } from 'express-session';
import { ConfigError, DataError } from '../index.js';
import { keysWithPrefix, unlinkWithPrefix } from '../index.js';
import { SESSION_STORE_DEFAULTS, type RedisSessionStoreOptions, type SessionClient, type SessionSerializer } from './session-store-options.js';

type Callback<T> = (err: unknown, value?: T) => void;

function checkOptions(options: RedisSessionStoreOptions): void {
  if (options.prefix !== undefined && typeof options.prefix !== 'string') {
    throw new ConfigError(`RedisSessionStore option 'prefix' must be a string, got ${typeof options.prefix}.`);
  }
  if (options.ttl !== undefined && !(typeof options.ttl === 'number' && Number.isFinite(options.ttl) && options.ttl > 0)) {
    throw new ConfigError(`RedisSessionStore option 'ttl' must be a number of seconds > 0, got ${String(options.ttl)}.`);
  }
  const s = options.serializer;
  if (s !== undefined && (typeof s?.parse !== 'function' || typeof s?.stringify !== 'function')) {
    throw new ConfigError("RedisSessionStore option 'serializer' needs parse(text) and stringify(session) functions.");
  }
  const count = options.scanCount;
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new ConfigError(`RedisSessionStore option 'scanCount' must be a positive integer, got ${String(count)}.`);
  }
}

/** Settles an express-session callback (which may be absent) from a promise. */
function settle<T>(work: Promise<T>, callback: Callback<T> | undefined): void {
  work.then(
    (value) => callback?.(null, value),
    (error: unknown) => callback?.(error),
  );
}

/**
 * An express-session `Store` in Redis over a redwire client (standalone, Sentinel or Cluster). A session lives
 * as long as its cookie (`cookie.expires`, i.e. `maxAge`), or `ttl` seconds when the cookie has none; `touch`
 * extends it. `all`, `ids`, `length` and `clear` SCAN the prefix (every primary of a cluster), never KEYS.
 */
export class RedisSessionStore extends Store {
  readonly prefix: string;
  readonly #client: SessionClient;
  readonly #defaultTtlMs: number;
  readonly #serializer: SessionSerializer;
  readonly #scanCount: number;

  constructor(client: SessionClient, options: RedisSessionStoreOptions = {}) {
    super();
    if (client === null || typeof client !== 'object' || typeof client.get !== 'function') {
      throw new ConfigError('RedisSessionStore needs a redwire client (RedisClient or ClusterClient) as its first argument.');
    }
    checkOptions(options);
    const merged = { ...SESSION_STORE_DEFAULTS, ...options };
    this.#client = client;
    this.prefix = merged.prefix;
    this.#defaultTtlMs = Math.ceil(merged.ttl * 1000);
    this.#serializer = merged.serializer;
    this.#scanCount = merged.scanCount;
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    settle(this.#get(sid), callback);
  }

  override set(sid: string, session: SessionData, callback?: Callback<void>): void {
    settle(this.#set(sid, session), callback);
  }

  override touch(sid: string, session: SessionData, callback?: Callback<void>): void {
    settle(this.#touch(sid, session), callback);
  }

  override destroy(sid: string, callback?: Callback<void>): void {
    settle(this.#client.del(this.prefix + sid).then(() => undefined), callback);
  }

  /** Every session, by id. */
  override all(callback: Callback<Record<string, SessionData>>): void {
    settle(this.#all(), callback);
  }

  /** Number of sessions. */
  override length(callback: Callback<number>): void {
    settle(this.#count(), callback);
  }

  /** Removes every session of the prefix. */
  override clear(callback?: Callback<void>): void {
    settle(unlinkWithPrefix(this.#client, this.prefix, this.#scanCount).then(() => undefined), callback);
  }

  /** Ids of every session. */
  ids(callback: Callback<string[]>): void {
    settle(this.#ids(), callback);
  }

  /** ms a session should live from now: until its cookie expires, else the default ttl. */
  ttlOf(session: SessionData): number {
    const expires = session?.cookie?.expires as Date | string | null | undefined;
    if (expires === undefined || expires === null) return this.#defaultTtlMs;
    const at = typeof expires === 'string' ? Date.parse(expires) : expires.getTime();
    if (Number.isNaN(at)) return this.#defaultTtlMs;
    return Math.ceil(at - Date.now());
  }

  async #get(sid: string): Promise<SessionData | null> {
    const text = await this.#client.get(this.prefix + sid);
    return text === null ? null : this.#parse(text);
  }

  async #set(sid: string, session: SessionData): Promise<void> {
    const ttl = this.ttlOf(session);
    // A cookie already expired: the session is over.
    if (ttl <= 0) {
      await this.#client.del(this.prefix + sid);
      return;
    }
    const text = this.#serializer.stringify(session);
    if (typeof text !== 'string') throw new DataError('RedisSessionStore: the serializer did not return a string.');
    await this.#client.set(this.prefix + sid, text, { PX: ttl });
  }

  async #touch(sid: string, session: SessionData): Promise<void> {
    const ttl = this.ttlOf(session);
    if (ttl <= 0) await this.#client.del(this.prefix + sid);
    else await this.#client.pexpire(this.prefix + sid, ttl);
  }

  async #ids(): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of keysWithPrefix(this.#client, this.prefix, this.#scanCount, true)) ids.push(key.slice(this.prefix.length));
    return ids;
  }

  async #count(): Promise<number> {
    let n = 0;
    for await (const _key of keysWithPrefix(this.#client, this.prefix, this.#scanCount, true)) n++;
    return n;
  }

  async #all(): Promise<Record<string, SessionData>> {
    const ids = await this.#ids();
    const out: Record<string, SessionData> = {};
    for (let i = 0; i < ids.length; i += this.#scanCount) {
      const page = ids.slice(i, i + this.#scanCount);
      // MGET is split per slot by a cluster client.
      const texts = await this.#client.mget(...page.map((id) => this.prefix + id));
      texts.forEach((text, j) => {
        if (text !== null) out[page[j]] = this.#parse(text);
      });
    }
    return out;
  }

  #parse(text: string): SessionData {
    try {
      return this.#serializer.parse(text) as SessionData;
    } catch (error) {
      throw new DataError('RedisSessionStore: a stored session could not be parsed by the serializer; was it written with another one?', { cause: error });
    }
  }
}
