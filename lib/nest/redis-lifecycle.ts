import { inspect } from 'node:util';
import { Logger, type LoggerService, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { assertTopologyServices, type ModulesView } from './assert-topology-services.js';
import { createRedisConnection } from './create-redis-connection.js';
import {
  getClusterServiceToken,
  getConnectionPoolToken,
  getSentinelServiceToken,
} from './get-redis-token.util.js';
import type { RedisConnection, RedisConnectionEvent } from './redis-connection.js';
import { UnavailableRedisService } from './unavailable-redis-service.js';
import type { ResolvedRedisModuleOptions } from './validate-redis-module-options.js';

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Owns one named connection for the Nest app: builds it on first use, connects it during bootstrap (`onModuleInit`)
 * and drains and closes it on shutdown (`onApplicationShutdown`, which never throws).
 */
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly name: string;
  #connection: RedisConnection | undefined;
  #closing: Promise<void> | undefined;
  #clientProvided = false;
  readonly #logger: LoggerService | undefined;

  constructor(
    readonly options: ResolvedRedisModuleOptions,
    private readonly modules: ModulesView | undefined,
  ) {
    this.name = options.name;
    const logger = options.logger;
    this.#logger = logger === true ? new Logger(`RedisModule:${options.name}`) : logger;
  }

  get topology(): ResolvedRedisModuleOptions['client']['topology'] {
    return this.options.client.topology;
  }

  /** The connection, built on first access (building opens nothing; `connect()` does). */
  get connection(): RedisConnection {
    if (this.#connection === undefined) {
      const { connectionFactory, given, name } = this.options;
      this.#connection = connectionFactory ? connectionFactory(given, name) : createRedisConnection(this.options);
      this.#connection.onEvent?.((event) => this.#log(event));
    }
    return this.#connection;
  }

  /** Called by the client provider's factory: the client is really used (not overridden in a test). */
  markClientProvided(): object {
    this.#clientProvided = true;
    return this.connection.client;
  }

  /** The value of a topology service token: the service, or a placeholder that fails bootstrap when injected. */
  service(kind: 'pool' | 'sentinel' | 'cluster'): object {
    const { topology } = this;
    const has = kind === 'pool' ? topology !== 'cluster' : kind === topology;
    const service = kind === 'pool' ? 'ConnectionPool' : kind === 'sentinel' ? 'SentinelService' : 'ClusterService';
    if (has) {
      const value = kind === 'pool' ? this.connection.pool : kind === 'sentinel' ? this.connection.sentinel : this.connection.cluster;
      if (value !== undefined) return value;
    }
    const hint = kind === 'pool'
      ? `a cluster connection has one pool per node: inject @InjectCluster('${this.name}') (ClusterService) instead.`
      : `configure it with topology '${kind}' (or a ${kind === 'sentinel' ? 'redis+sentinel' : 'redis+cluster'}:// URL) to use it.`;
    return new UnavailableRedisService(
      this.name,
      service,
      `Redis connection '${this.name}' is ${topology === 'standalone' ? 'a standalone' : `a ${topology}`} connection, so it has no ${service}; ${hint}`,
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.modules) {
      const unavailable = [getConnectionPoolToken(this.name), getSentinelServiceToken(this.name), getClusterServiceToken(this.name)];
      assertTopologyServices(this.modules, unavailable);
    }
    if (!this.options.connectOnInit || !this.#clientProvided) return;
    const connection = this.connection;
    this.#logger?.log(`Connecting to ${connection.label} (${connection.topology})`);
    try {
      await connection.connect();
      this.#logger?.log(`Ready: ${connection.label}`);
    } catch (error) {
      if (this.options.failFast) {
        this.#logger?.error(
          `Could not connect to ${connection.label}: ${errorMessage(error)}. Bootstrap fails because failFast is true; ` +
            `set failFast: false to start anyway and reconnect in the background.`,
        );
        await this.close();
        throw error;
      }
      this.#logger?.warn(
        `Could not connect to ${connection.label}: ${errorMessage(error)}. Starting anyway (failFast: false); ` +
          `commands reconnect on demand.`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Drains and closes the connection; idempotent; never rejects. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) return;
    try {
      await connection.close(this.options.shutdownTimeout);
      this.#logger?.log(`Closed ${connection.label}`);
    } catch (error) {
      // Shutdown must go on for the rest of the app: log, never throw.
      this.#logger?.warn(`Closing ${connection.label} did not finish cleanly: ${errorMessage(error)}`);
    }
  }

  [inspect.custom](): string {
    return `RedisLifecycle { name: '${this.name}', topology: '${this.topology}', connection: ${this.#connection?.label ?? 'not built'} }`;
  }

  #log(event: RedisConnectionEvent): void {
    const logger = this.#logger;
    if (!logger) return;
    if (event.type === 'error') logger.error(event.message);
    else if (event.type === 'reconnecting' || event.type === 'failover') logger.warn(event.message);
    else if (event.type === 'slot-refresh' || event.type === 'connect') (logger.debug ?? logger.log).call(logger, event.message);
    else logger.log(event.message);
  }
}
