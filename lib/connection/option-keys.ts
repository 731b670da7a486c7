import { ConfigError } from '../errors/index.js';
import type { ConnectionOptions } from './connection-options.js';

/**
 * Every key of an options type, each `true`. Typed this way the compiler keeps a list complete: a key added to the
 * options interface and not to its list (or listed and not in the interface) fails the build.
 */
export type OptionKeyList<T> = { readonly [K in keyof Required<T>]: true };

export const CONNECTION_OPTION_KEYS: OptionKeyList<ConnectionOptions> = Object.freeze({
  host: true, port: true, path: true, tls: true, username: true, password: true, credentialProvider: true, db: true,
  protocol: true, clientName: true, connectTimeout: true, commandTimeout: true, keepAlive: true, noDelay: true,
  retry: true, maxQueued: true, maxInFlight: true, maxInFlightBytes: true, healthCheckInterval: true,
  maxBulkLength: true, pushBuffers: true, resolveEndpoint: true, afterHandshake: true, lazyConnect: true,
});

const RETRY = `use 'retry': a number of attempts, { attempts, strategy, base, cap }, a function (attempt, cause) => ms | false, or false.`;
const OFFLINE = `use 'maxQueued' (0: commands fail at once with QueueFullError while disconnected).`;
const NONE = 'redwire has no such option';

/** Option names of other clients (ioredis, node-redis) and what replaces them here. */
export const PEER_OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  redisOptions: `ioredis Cluster's 'redisOptions' are not nested here: put the node connection options directly in the options.`,
  socket: `node-redis 'socket' settings are flat here: host, port, path, tls, connectTimeout, keepAlive, noDelay and 'retry'.`,
  database: `use 'db'.`,
  RESP: `use 'protocol' (2 or 3; default 3 with a fallback to 2).`,
  connectionName: `use 'clientName'.`,
  name: `ioredis' Sentinel master name is 'masterName' here (with topology: 'sentinel'); node-redis' client name (CLIENT SETNAME) is 'clientName'.`,
  socketTimeout:
    `there is no idle-socket timeout: a socket whose oldest command passed 'commandTimeout' with no byte received since ` +
    `is declared stalled and replaced.`,
  sentinelPassword: `sentinel credentials go in 'sentinelOptions': { username, password }.`,
  sentinelUsername: `sentinel credentials go in 'sentinelOptions': { username, password }.`,
  retryStrategy: RETRY,
  reconnectStrategy: RETRY,
  clusterRetryStrategy: RETRY,
  maxRetriesPerRequest:
    `there is no per-command retry count: commands wait for a reconnect up to 'commandTimeout' ms (default 5000), ` +
    `at most 'maxQueued' of them.`,
  enableOfflineQueue: OFFLINE,
  disableOfflineQueue: OFFLINE,
  commandsQueueMaxLength: `use 'maxQueued'.`,
  keyPrefix: `${NONE}: prefix keys in your own code.`,
  enableAutoPipelining: `${NONE}: commands of one tick are always written together (auto-pipelining is how every command is sent).`,
  enableReadyCheck: `${NONE}: the handshake always waits for the server to finish loading (-LOADING is retried, never given to callers).`,
  autoResubscribe: `${NONE}: subscriptions are always restored after a reconnect.`,
  reconnectOnError: `${NONE}: READONLY after a Sentinel failover reconnects by itself; MOVED/ASK are followed on a Cluster.`,
  showFriendlyErrorStack: `${NONE}: errors keep the caller's stack as they are.`,
  pingInterval: `use 'healthCheckInterval' (PING before a command after that much idle time); 'keepAlive' is TCP keep-alive.`,
  scaleReads: `use 'readFrom': 'primary' | 'replica' | 'prefer-replica' | 'any'.`,
  readonly: `use readFrom: 'replica' (Cluster) or role: 'replica' (Sentinel).`,
  retryDelayOnTryAgain: `use 'retryDelay' (cluster): a function (attempt) => ms for TRYAGAIN, CLUSTERDOWN and failover waits.`,
  retryDelayOnClusterDown: `use 'retryDelay' (cluster): a function (attempt) => ms for TRYAGAIN, CLUSTERDOWN and failover waits.`,
  retryDelayOnFailover: `use 'retryDelay' (cluster): a function (attempt) => ms for TRYAGAIN, CLUSTERDOWN and failover waits.`,
  retryDelayOnMoved: `${NONE}: MOVED is followed at once.`,
  dnsLookup: `use 'addressMap' (a function from the announced address to the one to connect to) or 'natMap'.`,
  legacyMode: `${NONE}: commands return promises.`,
  family: `${NONE}: give 'host' as an address of the family you want.`,
});

/**
 * Refuses keys of `options` that are not in `known` (unless their value is undefined): an option redwire does not
 * have is a `ConfigError` (naming the replacement when it is another client's name), never silently ignored. `what`
 * names the object ("RedisClient options").
 */
export function checkOptionKeys(options: object, known: object, what: string): void {
  for (const key of Object.keys(options)) {
    // `{ password: process.env.X, sentinelOptions: undefined }`: a key set to undefined sets nothing.
    if (Object.hasOwn(known, key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const hint = Object.hasOwn(PEER_OPTION_HINTS, key) ? PEER_OPTION_HINTS[key] : undefined;
    throw new ConfigError(
      `${what}: unknown option '${key}'` +
        (hint !== undefined ? `: ${hint}` : `. The options are: ${Object.keys(known).join(', ')}.`),
    );
  }
}
