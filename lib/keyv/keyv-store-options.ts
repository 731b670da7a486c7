import type { RedisApi, RedisCommands } from '../index.js';

/**
 * What `RedwireKeyvStore` calls on the client: nothing else, so any `RedisApi` — a `RedisClient` (standalone or
 * Sentinel) or a `ClusterClient` — fits. `withBuffers()` (both clients have it) is only needed by `RedwireKeyvBufferStore`.
 */
export type KeyvClient = Pick<RedisApi, 'get' | 'mget' | 'set' | 'del' | 'exists' | 'unlink' | 'scanIterator' | 'quit'> & {
  withBuffers?(): Pick<RedisCommands<Buffer>, 'get' | 'mget'>;
};

export interface RedwireKeyvStoreOptions {
  /**
   * Namespace of the keys (Redis key = `namespace + separator + key`). Keyv's own `namespace` option, when set,
   * replaces it. Default `'keyv'`. `clear()` only removes keys of the namespace.
   */
  namespace?: string;
  /** Between namespace and key. Default `'::'`. */
  namespaceSeparator?: string;
  /**
   * Wrap the namespace in a hash tag (`{namespace}::key`) so every key of the namespace lives in one cluster slot:
   * `getMany`/`deleteMany` become one command, at the price of putting the whole namespace on one shard.
   * Default false (keys spread over the cluster; multi-key commands are split per slot by the cluster client).
   */
  hashTag?: boolean;
  /** COUNT hint of each SCAN page in `clear()` and `iterator()`. Default 500. */
  scanCount?: number;
  /**
   * `disconnect()` also quits the client. Default false: the client is usually shared (the app's RedisModule
   * owns it and closes it at shutdown), so disconnecting a cache must not close it.
   */
  closeClient?: boolean;
}

export const KEYV_STORE_DEFAULTS = {
  namespace: 'keyv',
  namespaceSeparator: '::',
  hashTag: false,
  scanCount: 500,
  closeClient: false,
} as const satisfies Required<RedwireKeyvStoreOptions>;
