import type { LoggerService } from '@nestjs/common';
import type { RedisApi } from '../client/redis-api.js';
import type { ClusterClientOptions as ClusterOptions } from '../cluster/cluster-client-options.js';
import type { RedisClientOptions } from '../client/redis-client.js';
import type { SentinelManagedClientOptions } from '../resolve-client-options.js';
import type { RedisConnection } from './redis-connection.js';

export type RedisTopology = 'standalone' | 'sentinel' | 'cluster';

/** `topology: 'standalone'`: one server (TCP, TLS or unix socket): connection, pool and client options. */
export type RedisModuleStandaloneOptions = Omit<RedisClientOptions, 'pool'>;

/**
 * `topology: 'sentinel'`: the master (or a replica, `role`) of `masterName`, discovered through `sentinels`
 * (`SentinelOptions` + `masterName` + `role`, as `createClient`'s `SentinelTopologyOptions` without `topology`).
 */
export type RedisModuleSentinelOptions = SentinelManagedClientOptions;

/** `topology: 'cluster'`: `nodes` (any reachable ones; the rest is discovered) plus the cluster client's options. */
export type RedisModuleClusterOptions = ClusterOptions;

/** @deprecated Use `RedisModuleClusterOptions` (the same type: redwire's `ClusterClientOptions`). */
export type ClusterClientOptions = ClusterOptions;

/**
 * Connection options shared by several connections (`commonOptions`): merged under each connection's own `options`
 * (and its URL), which win. Where a connection goes (host, port, path, nodes, sentinels) stays per connection.
 */
export type RedisCommonOptions = Omit<RedisModuleStandaloneOptions, 'host' | 'port' | 'path' | 'resolveEndpoint'>;

/** What the hooks receive: the connection's command client (the object `@InjectRedis(name)` gives). */
export type RedisModuleClient = RedisApi;

/** Module-level behaviour, the same for every topology. */
export interface RedisModuleBehaviourOptions {
  /** Connect while the app bootstraps (`onModuleInit`). Default true. When false, the first command connects. */
  connectOnInit?: boolean;
  /**
   * When the first connect fails: `true` fails bootstrap with the error; `false` logs it and lets the client keep
   * reconnecting in the background. Default true.
   */
  failFast?: boolean;
  /** ms in-flight commands may take to finish on shutdown before the sockets are closed. Default 5000. */
  shutdownTimeout?: number;
  /**
   * `true` logs through Nest's `Logger` with context `'RedisModule'` (default), `false` is silent, or a
   * `LoggerService` of your own. Every line names the connection; none carries a password or token.
   */
  logger?: boolean | LoggerService;
  /** Log a line when the connection is ready (at bootstrap and after each reconnect). Default true. */
  readyLog?: boolean;
  /** Log connection errors (failed connects, lost sockets, failed cluster refreshes). Default true. */
  errorLog?: boolean;
  /**
   * Close the connection on application shutdown. Default true. `false` leaves it open after `app.close()`: you
   * close it yourself (`quit()`), e.g. when something outside Nest still uses it. A bootstrap that fails on the
   * first connect (`failFast`) closes it either way.
   */
  closeClient?: boolean;
  /** Connection options merged under this connection's `options` (see `RedisCommonOptions`). */
  commonOptions?: RedisCommonOptions;
  /**
   * Called once, synchronously, right after the client is built and before it connects (attach listeners here).
   * Not called when the client token is overridden in a test. A throw fails bootstrap.
   */
  onClientCreated?: (client: RedisModuleClient, name: string) => void;
  /**
   * Called once, after the first successful connect: during bootstrap (awaited; a rejection fails bootstrap) or,
   * with `connectOnInit: false` or after a failed first connect with `failFast: false`, when the connection first
   * becomes ready (a rejection is logged).
   */
  onClientReady?: (client: RedisModuleClient, name: string) => void | Promise<void>;
  /**
   * Builds the connection instead of the built-in factory (instrumentation, tests). Receives the validated options
   * and the connection name.
   */
  connectionFactory?: (options: RedisClientConfig, name: string) => RedisConnection;
}

/** Where to connect: a URL, or a topology with its options. */
export type RedisClientConfig =
  | { url: string; topology?: RedisTopology; options?: Partial<RedisModuleSentinelOptions & RedisModuleClusterOptions> }
  | { url?: undefined; topology?: 'standalone'; options?: RedisModuleStandaloneOptions }
  | { url?: undefined; topology: 'sentinel'; options: RedisModuleSentinelOptions }
  | { url?: undefined; topology: 'cluster'; options: RedisModuleClusterOptions };

/** What `RedisModule.forRoot()` takes and a `forRootAsync()` factory returns (without `name`/`isGlobal`). */
export type RedisModuleOptions = RedisClientConfig & RedisModuleBehaviourOptions;

/** Options of `RedisModule.forRoot()` for one connection. */
export type RedisModuleRootOptions = RedisModuleOptions & {
  /** Connection name; every token and decorator takes it. Default `'default'`. */
  name?: string;
  /** Register the providers globally. Default false. */
  isGlobal?: boolean;
};

/**
 * Options of `RedisModule.forRoot()` for several connections at once: `connections` maps each name to its options;
 * the behaviour options given here (`commonOptions`, `readyLog`, `closeClient`, hooks, ...) apply to every
 * connection, and a connection's own value wins (its `commonOptions` are merged over these).
 */
export type RedisModuleConnectionsOptions = RedisModuleBehaviourOptions & {
  connections: Readonly<Record<string, RedisModuleOptions>>;
  /** Register the providers globally. Default false. */
  isGlobal?: boolean;
};
