import { inspect } from 'node:util';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { assertTopologyServices, type ModulesView } from './assert-topology-services.js';
import { createRedisConnection } from './create-redis-connection.js';
import {
  getClusterServiceToken,
  getConnectionPoolToken,
  getSentinelServiceToken,
} from './get-redis-token.util.js';
import type { RedisConnection, RedisConnectionEvent } from './redis-connection.js';
import type { RedisModuleClient } from './redis-module-options.interface.js';
import { RedisModuleLog } from './redis-module-log.js';
import { UnavailableRedisService } from './unavailable-redis-service.js';
import type { ResolvedRedisModuleOptions } from './validate-redis-module-options.js';

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Owns one named connection for the Nest app: builds it on first use (then `onClientCreated`), connects it during
 * bootstrap (`onModuleInit`, then `onClientReady`) and drains and closes it on shutdown (`onApplicationShutdown`,
 * which never throws; skipped with `closeClient: false`).
 */
export class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly name: string;
  #connection: RedisConnection | undefined;
  #closing: Promise<void> | undefined;
  #clientProvided = false;
  /** `onClientReady` has run (or is running). */
  #readyHookDone = false;
  /** Connection events may run `onClientReady` (when bootstrap did not connect). */
  #readyHookOnEvent = false;
  readonly #log: RedisModuleLog;

  constructor(
    readonly options: ResolvedRedisModuleOptions,
    private readonly modules: ModulesView | undefined,
  ) {
    this.name = options.name;
    this.#log = new RedisModuleLog(options.name, options.logger, options);
  }

  get topology(): ResolvedRedisModuleOptions['client']['topology'] {
    return this.options.client.topology;
  }

  /** The connection, built on first access (building opens nothing; `connect()` does). */
  get connection(): RedisConnection {
    if (this.#connection === undefined) {
      const { connectionFactory, given, name } = this.options;
      const connection = connectionFactory ? connectionFactory(given, name) : createRedisConnection(this.options);
      this.#connection = connection;
      connection.onEvent?.((event) => this.#onEvent(event));
    }
    return this.#connection;
  }

  /** Called by the client provider's factory: the client is really used (not overridden in a test). */
  markClientProvided(): RedisModuleClient {
    const { client } = this.connection;
    if (!this.#clientProvided) {
      this.#clientProvided = true;
      // Here rather than where the connection is built: the topology services build it too, even in a test that
      // overrides the client.
      this.options.onClientCreated?.(client, this.name);
    }
    return client;
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
    if (!this.#clientProvided) return;
    if (!this.options.connectOnInit) {
      this.#readyHookOnEvent = true;
      return;
    }
    const connection = this.connection;
    this.#log.info(`Connecting to ${connection.label} (${connection.topology})`);
    try {
      await connection.connect();
    } catch (error) {
      if (this.options.failFast) {
        this.#log.error(
          `Could not connect to ${connection.label}: ${errorMessage(error)}. Bootstrap fails because failFast is true; ` +
            `set failFast: false to start anyway and reconnect in the background.`,
        );
        await this.close();
        throw error;
      }
      this.#log.error(
        `Could not connect to ${connection.label}: ${errorMessage(error)}. Starting anyway (failFast: false); ` +
          `commands reconnect on demand.`,
        'warn',
      );
      this.#readyHookOnEvent = true;
      return;
    }
    this.#log.ready(`Ready: ${connection.label}`);
    await this.#runReadyHook();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.options.closeClient) {
      if (this.#connection !== undefined) this.#log.info(`Left open on shutdown (closeClient: false); close it yourself`);
      return;
    }
    await this.close();
  }

  /** Drains and closes the connection (whatever `closeClient` says); idempotent; never rejects. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const connection = this.#connection;
    if (connection === undefined) return;
    try {
      await connection.close(this.options.shutdownTimeout);
      this.#log.info(`Closed ${connection.label}`);
    } catch (error) {
      // Shutdown must go on for the rest of the app: log, never throw.
      this.#log.warn(`Closing ${connection.label} did not finish cleanly: ${errorMessage(error)}`);
    }
  }

  [inspect.custom](): string {
    return `RedisLifecycle { name: '${this.name}', topology: '${this.topology}', connection: ${this.#connection?.label ?? 'not built'} }`;
  }

  /** Runs `onClientReady` once. */
  async #runReadyHook(): Promise<void> {
    const hook = this.options.onClientReady;
    if (this.#readyHookDone || hook === undefined || this.#connection === undefined) return;
    this.#readyHookDone = true;
    await hook(this.#connection.client, this.name);
  }

  #onEvent(event: RedisConnectionEvent): void {
    this.#log.event(event);
    // A cluster has no 'ready' event of its own: its first slot table means it can serve commands.
    const ready = event.type === 'ready' || event.type === 'slot-refresh';
    if (ready && this.#readyHookOnEvent && !this.#readyHookDone && this.#closing === undefined) {
      this.#runReadyHook().catch((error: unknown) => this.#log.error(`onClientReady failed: ${errorMessage(error)}`));
    }
  }
}
