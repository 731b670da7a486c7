import type { RedisApi } from '../index.js';

/** What `RedisSessionStore` calls on the client: standalone, Sentinel and Cluster clients fit. */
export type SessionClient = Pick<RedisApi, 'get' | 'mget' | 'set' | 'del' | 'pexpire' | 'unlink' | 'scanIterator'>;

/** Turns a session into the stored string and back. Default: JSON. */
export interface SessionSerializer {
  stringify(session: unknown): string;
  parse(text: string): unknown;
}

export interface RedisSessionStoreOptions {
  /** Prefix of the session keys (key = prefix + session id). Default `'sess:'`. */
  prefix?: string;
  /** Seconds to live of a session whose cookie has no expiry (a browser-session cookie). Default 86400 (one day). */
  ttl?: number;
  /** Default `JSON`. */
  serializer?: SessionSerializer;
  /** COUNT hint of each SCAN page in `all`, `ids`, `length`, `clear`. Default 500. */
  scanCount?: number;
}

export const SESSION_STORE_DEFAULTS = {
  prefix: 'sess:',
  ttl: 86_400,
  serializer: JSON as SessionSerializer,
  scanCount: 500,
} satisfies Required<RedisSessionStoreOptions>;
