import type { LoggerService } from '@nestjs/common';
import type { ClusterClientOptions as ClusterOptions } from '../cluster/cluster-client-options.js';
import type { RedisClientOptions } from '../client/redis-client.js';
import type { SentinelOptions } from '../sentinel/sentinel-options.js';
import type { RedisConnection } from './redis-connection.js';

export type RedisTopology = 'standalone' | 'sentinel' | 'cluster';

/** `topology: 'standalone'`: one server (TCP, TLS or unix socket): connection, pool and client options. */
export type StandaloneClientOptions = Omit<RedisClientOptions, 'pool'>;

/** `topology: 'sentinel'`: the master (or a replica) of `masterName`, discovered through `sentinels`. */
export interface SentinelClientOptions extends SentinelOptions {
  /** The master name the sentinels monitor. */
  masterName: string;
  /** Connect to the master (default) or a replica. */
  role?: 'master' | 'replica';
}

/** `topology: 'cluster'`: `nodes` (any reachable ones; the rest is discovered) plus the cluster client's options. */
export type ClusterClientOptions = ClusterOptions;

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
  /** `true` logs through Nest's `Logger` (default), `false` is silent, or a `LoggerService` of your own. */
  logger?: boolean | LoggerService;
  /**
   * Builds the connection instead of the built-in factory (instrumentation, tests). Receives the validated options
   * and the connection name.
   */
  connectionFactory?: (options: RedisClientConfig, name: string) => RedisConnection;
}

/** Where to connect: a URL, or a topology with its options. */
export type RedisClientConfig =
  | { url: string; topology?: RedisTopology; options?: Partial<SentinelClientOptions & ClusterClientOptions> }
  | { url?: undefined; topology?: 'standalone'; options?: StandaloneClientOptions }
  | { url?: undefined; topology: 'sentinel'; options: SentinelClientOptions }
  | { url?: undefined; topology: 'cluster'; options: ClusterClientOptions };

/** What `RedisModule.forRoot()` takes and a `forRootAsync()` factory returns (without `name`/`isGlobal`). */
export type RedisModuleOptions = RedisClientConfig & RedisModuleBehaviourOptions;

/** Options of `RedisModule.forRoot()`. */
export type RedisModuleRootOptions = RedisModuleOptions & {
  /** Connection name; every token and decorator takes it. Default `'default'`. */
  name?: string;
  /** Register the providers globally. Default false. */
  isGlobal?: boolean;
};
