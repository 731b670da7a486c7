import { CONNECTION_OPTION_KEYS, type OptionKeyList } from '../connection/option-keys.js';
import { inspect } from 'node:util';
import { ConfigError, type ResponseError } from '../errors/index.js';
import type { ConnectionOptions } from '../connection/connection-options.js';
import { REDACTED, redactSecrets } from '../connection/redact-secrets.js';
import type { PoolConnection } from './pool-connection.js';

/** Creates one connection of the pool. Tests and Sentinel pass their own; the default builds a `Connection`. */
export type ConnectionFactory = (options: ConnectionOptions) => PoolConnection;

/**
 * Told about every error reply (a `ResponseError`: READONLY, WRONGTYPE, ...) to a command sent through any of the
 * pool's connections: shared, leased, pipelines, transactions. `endpoint` is the connection's `host:port`. Called
 * synchronously before the command's caller sees the error; it must not throw (a throw is ignored) and should be
 * cheap. Sentinel uses it to notice a demoted master (READONLY) on every path.
 */
export type ReplyErrorHook = (error: ResponseError, endpoint: string) => void;

/** What an `EndpointWatcher` may do with a pool: move every connection (see `ConnectionPool.reconnectAll`). */
export interface WatchedPool {
  reconnectAll(cause?: Error): void;
  /** `host:port` the pool last connected to. */
  readonly endpointLabel: string;
}

/**
 * Whatever moves the pool's endpoint (Sentinel: the master of a name). Every pool built with it registers itself
 * (`attach`) when created and leaves (`detach`) once closed, so that a pool built from another pool's `options`
 * (e.g. `client.duplicate()`) is told about failovers too.
 */
export interface EndpointWatcher {
  attach(pool: WatchedPool): void;
  detach(pool: WatchedPool): void;
}

/**
 * Options of a pool: every `ConnectionOptions` field (passed to each connection) plus the pool's own.
 * Defaults are in `DEFAULT_POOL_OPTIONS`; every time is in milliseconds.
 */
export interface PoolOptions extends ConnectionOptions {
  /**
   * Most connections for exclusive use (leased + idle + being opened) at once. The `sharedConnections` come on
   * top of this. Default 50; a whole number >= 1.
   */
  maxConnections?: number;
  /** Idle exclusive connections kept open and ready (opened by `connect()`). Default 0; at most maxConnections. */
  minIdle?: number;
  /** An idle exclusive connection beyond `minIdle` is closed after this many ms unused. Default 30000; 0 = never. */
  idleTimeout?: number;
  /** Connections that carry multiplexed ordinary commands (least in-flight first). Default 1; 1 to 64. */
  sharedConnections?: number;
  /**
   * ms an `acquire` may take in all: waiting for a free connection (`BlockingConnectionPool`: then
   * `PoolExhaustedError`) and opening a new one (both pools: then TimeoutError 'acquire', and the connection being
   * opened goes to the next caller in line or is closed). Default 5000; 0 = no limit.
   */
  acquireTimeout?: number;
  /** Builds each connection. Default: `new Connection(options)`. */
  connectionFactory?: ConnectionFactory;
  /** Error replies of commands on any of the pool's connections (see `ReplyErrorHook`). Default none. */
  onReplyError?: ReplyErrorHook;
  /** Registers the pool with whatever moves its endpoint (see `EndpointWatcher`). Default none. */
  endpointWatcher?: EndpointWatcher;
}

/** The pool's own settings after defaults and validation. */
export interface NormalizedPoolSettings {
  maxConnections: number;
  minIdle: number;
  idleTimeout: number;
  sharedConnections: number;
  acquireTimeout: number;
  /** Copied from the connection options: ms idle before a leased connection is PINGed; 0 = never. */
  healthCheckInterval: number;
  /** The db every connection must still be on to be reused. */
  db: number;
}

export const DEFAULT_POOL_OPTIONS = Object.freeze({
  maxConnections: 50,
  minIdle: 0,
  idleTimeout: 30_000,
  sharedConnections: 1,
  acquireTimeout: 5_000,
});

const POOL_KEYS = new Set<string>([
  'maxConnections',
  'minIdle',
  'idleTimeout',
  'sharedConnections',
  'acquireTimeout',
  'connectionFactory',
  'onReplyError',
  'endpointWatcher',
]);

function fail(field: string, expected: string, got: unknown): never {
  throw new ConfigError(`Invalid pool option '${field}': expected ${expected}, got ${String(got)}.`);
}

function wholeNumber(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `a whole number from ${min} to ${max}`, value);
  }
  return value;
}

function millis(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'a number of ms >= 0 (0 = none)', value);
  return value;
}

/** Splits `PoolOptions` into validated pool settings and the options handed to each connection. */
export function normalizePoolOptions(options: PoolOptions = {}): {
  settings: NormalizedPoolSettings;
  connectionOptions: ConnectionOptions;
  connectionFactory: ConnectionFactory | undefined;
} {
  if (options === null || typeof options !== 'object') fail('options', 'an object', options);
  const d = DEFAULT_POOL_OPTIONS;
  const maxConnections = wholeNumber(options.maxConnections, 'maxConnections', d.maxConnections, 1, 100_000);
  const settings: NormalizedPoolSettings = {
    maxConnections,
    minIdle: wholeNumber(options.minIdle, 'minIdle', d.minIdle, 0, maxConnections),
    idleTimeout: millis(options.idleTimeout, 'idleTimeout', d.idleTimeout),
    sharedConnections: wholeNumber(options.sharedConnections, 'sharedConnections', d.sharedConnections, 1, 64),
    acquireTimeout: millis(options.acquireTimeout, 'acquireTimeout', d.acquireTimeout),
    healthCheckInterval: millis(options.healthCheckInterval, 'healthCheckInterval', 0),
    db: wholeNumber(options.db, 'db', 0, 0, Number.MAX_SAFE_INTEGER),
  };
  const connectionFactory = options.connectionFactory;
  if (connectionFactory !== undefined && typeof connectionFactory !== 'function') {
    fail('connectionFactory', 'a function', typeof connectionFactory);
  }
  if (options.onReplyError !== undefined && typeof options.onReplyError !== 'function') {
    fail('onReplyError', 'a function', typeof options.onReplyError);
  }
  const watcher = options.endpointWatcher;
  if (watcher !== undefined && (watcher === null || typeof watcher.attach !== 'function' || typeof watcher.detach !== 'function')) {
    fail('endpointWatcher', 'an object with attach(pool) and detach(pool)', typeof watcher);
  }
  const connectionOptions: ConnectionOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (!POOL_KEYS.has(key)) (connectionOptions as Record<string, unknown>)[key] = value;
  }
  // The pool decides when each connection opens.
  connectionOptions.lazyConnect = true;
  return { settings, connectionOptions, connectionFactory };
}

/** The options as shown: the package's one redaction (redactSecrets), and the pool also hides the username. */
function shown(options: object): unknown {
  const copy: Record<string, unknown> = { ...options };
  if (copy['username'] !== undefined) copy['username'] = REDACTED;
  return redactSecrets(copy);
}

/**
 * Returns a frozen copy of options whose `util.inspect` and `JSON.stringify` show secrets (password, username,
 * tokens, credential provider, TLS private keys) as '[redacted]'. The fields keep their values:
 * `{ ...pool.options }` builds a pool like this one.
 */
export function redactedOptions<T extends object>(options: T): Readonly<T> {
  const copy = { ...options };
  Object.defineProperty(copy, 'toJSON', { enumerable: false, value: () => shown(copy) });
  Object.defineProperty(copy, inspect.custom, {
    enumerable: false,
    value: (depth: number, opts: object, insp: typeof inspect) => insp(shown(copy), { ...opts, depth }),
  });
  return Object.freeze(copy);
}

/** Every `PoolOptions` key (the connection's and the pool's own). */
export const POOL_OPTION_KEYS: OptionKeyList<PoolOptions> = Object.freeze({
  ...CONNECTION_OPTION_KEYS,
  maxConnections: true, minIdle: true, idleTimeout: true, sharedConnections: true, acquireTimeout: true,
  connectionFactory: true, onReplyError: true, endpointWatcher: true,
});
