import { ConnectionError } from '../errors/index.js';
import type { ConnectionOptions } from '../connection/connection-options.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { ConnectionFactory } from '../pool/pool-options.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { DEFAULT_SENTINEL_OPTIONS } from './sentinel-options.js';
import type { SentinelAddress } from './sentinel-event.js';

export function addressKey(address: { host?: string; port?: number; path?: string }): string {
  return address.path ?? `${address.host ?? ''}:${address.port ?? ''}`;
}

/**
 * One lazily opened command connection per sentinel, reused across discoveries. A link that failed is dropped and
 * opened again next time, so a sentinel that died and came back is used again. Sentinel links never reconnect on
 * their own (`retry: false`): a dead sentinel must cost one short connect timeout, then the next one is asked.
 */
export class SentinelLinks {
  readonly #links = new Map<string, PoolConnection>();
  readonly #factory: () => ConnectionFactory;
  readonly #options: ConnectionOptions;

  constructor(options: ConnectionOptions, factory: () => ConnectionFactory) {
    this.#factory = factory;
    // Sentinels have no databases: never SELECT there, and never follow a data-node resolver.
    const { db: _db, resolveEndpoint: _r, afterHandshake: _a, ...rest } = options;
    this.#options = {
      ...rest,
      connectTimeout: options.connectTimeout ?? DEFAULT_SENTINEL_OPTIONS.sentinelConnectTimeout,
      commandTimeout: options.commandTimeout ?? DEFAULT_SENTINEL_OPTIONS.sentinelCommandTimeout,
    };
  }

  /** Options for a connection to one sentinel (also used by the failover watcher). */
  connectionOptions(extra: ConnectionOptions = {}): ConnectionOptions {
    return { ...this.#options, retry: false, lazyConnect: true, ...extra };
  }

  newConnection(options: ConnectionOptions): PoolConnection {
    const connection = this.#factory()(options);
    // Failures reach the caller through the command's promise; an unhandled 'error' event must not crash.
    connection.on('error', () => undefined);
    return connection;
  }

  async send(address: SentinelAddress, args: readonly RedisArg[]): Promise<RespValue> {
    const key = addressKey(address);
    let link = this.#links.get(key);
    if (link !== undefined && (link.status === 'closed' || link.status === 'closing')) {
      this.#links.delete(key);
      link = undefined;
    }
    if (link === undefined) {
      link = this.newConnection(this.connectionOptions({ host: address.host, port: address.port }));
      this.#links.set(key, link);
    }
    try {
      await link.connect();
      return await link.sendCommand<RespValue>(args);
    } catch (error) {
      if (error instanceof ConnectionError || !(error instanceof Error)) {
        if (this.#links.get(key) === link) this.#links.delete(key);
        link.destroy();
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    const links = [...this.#links.values()];
    this.#links.clear();
    await Promise.all(links.map((link) => link.disconnect({ timeout: 500 }).catch(() => link.destroy())));
  }
}
