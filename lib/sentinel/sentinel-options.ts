import { ConfigError } from '../errors/index.js';
import type { ConnectionOptions } from '../connection/connection-options.js';
import { POOL_OPTION_KEYS, type ConnectionFactory, type PoolOptions } from '../pool/pool-options.js';
import { checkOptionKeys, CONNECTION_OPTION_KEYS, type OptionKeyList } from '../connection/option-keys.js';
import type { SentinelAddress } from './sentinel-event.js';

/**
 * Options of `Sentinel`. Every `PoolOptions` field applies to the data nodes (master/replicas) the clients connect
 * to; `sentinelOptions` apply to the sentinels themselves. Defaults: `DEFAULT_SENTINEL_OPTIONS`; times in ms.
 */
export interface SentinelOptions extends PoolOptions {
  /** The sentinels to ask, in order. At least one. */
  sentinels: readonly SentinelAddress[];
  /**
   * Connection options for the sentinels (username/password/TLS, ...). `connectTimeout` defaults to 500 ms and
   * `commandTimeout` to 1000 ms, so a dead or hung sentinel costs little before the next one is asked. Never
   * inherited from the data-node options: sentinels usually have their own (or no) credentials.
   */
  sentinelOptions?: ConnectionOptions;
  /** Accept a master only from a sentinel that sees at least this many other sentinels. Default 0. */
  minOtherSentinels?: number;
  /** Check with `ROLE` after every (re)connect that the node has the role we asked for. Default true. */
  checkRole?: boolean;
  /** Subscribe to sentinel events (`+switch-master`, ...) to move clients at once on failover. Default true. */
  watchFailover?: boolean;
  /**
   * Hold writes while a failover of the master is under way (default true): from the first event of it that any
   * sentinel publishes (`+try-failover`, `+elected-leader`, ... `+failover-state-send-slaveof-noone`, which come
   * before the replica is promoted), new commands to the master wait instead of being written to the old master,
   * and go to the new master once it answers `ROLE` as master (or back to the old one on an abort or when
   * `failoverHoldTimeout` passes). The trade: writes wait up to `failoverHoldTimeout` during a failover instead of
   * being acknowledged by the old master and then lost when it is demoted. Commands already sent complete or fail as
   * before; a held command keeps its own timeout (it fails with a TimeoutError, not sent, when that runs out first).
   */
  holdWritesDuringFailover?: boolean;
  /** ms a failover may hold writes at most (see `holdWritesDuringFailover`). Default 5000. */
  failoverHoldTimeout?: number;
  /**
   * ms between PINGs on each sentinel event subscription; a sentinel that does not answer within the sentinel
   * `commandTimeout` (default 1000 ms) has its subscription reopened. 0 disables. Default 1000.
   */
  sentinelPingInterval?: number;
  /** Backoff between failed discoveries of one client: first delay and cap, ms. Default 100 / 2000. */
  discoveryBackoff?: { base?: number; cap?: number };
  /** Builds the connections to the sentinels. Default: `connectionFactory`, else `new Connection(options)`. */
  sentinelConnectionFactory?: ConnectionFactory;
}

export const DEFAULT_SENTINEL_OPTIONS = Object.freeze({
  minOtherSentinels: 0,
  checkRole: true,
  watchFailover: true,
  holdWritesDuringFailover: true,
  failoverHoldTimeout: 5000,
  sentinelPingInterval: 1000,
  sentinelConnectTimeout: 500,
  sentinelCommandTimeout: 1000,
  discoveryBackoff: Object.freeze({ base: 100, cap: 2000 }),
});

const SENTINEL_KEYS = new Set([
  'sentinels',
  'sentinelOptions',
  'minOtherSentinels',
  'checkRole',
  'watchFailover',
  'holdWritesDuringFailover',
  'failoverHoldTimeout',
  'sentinelPingInterval',
  'discoveryBackoff',
  'sentinelConnectionFactory',
]);

export interface NormalizedSentinelOptions {
  sentinels: SentinelAddress[];
  sentinelOptions: ConnectionOptions;
  minOtherSentinels: number;
  checkRole: boolean;
  watchFailover: boolean;
  holdWritesDuringFailover: boolean;
  failoverHoldTimeout: number;
  sentinelPingInterval: number;
  backoffBase: number;
  backoffCap: number;
  sentinelConnectionFactory: ConnectionFactory | undefined;
  /** What is left: options for the data-node pools. */
  nodeOptions: PoolOptions;
}

function fail(field: string, expected: string, got: unknown): never {
  throw new ConfigError(`Invalid Sentinel option '${field}': expected ${expected}, got ${String(got)}.`);
}

function millis(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'a number of ms >= 0', value);
  return value;
}

export function normalizeSentinelOptions(options: SentinelOptions): NormalizedSentinelOptions {
  if (options === null || typeof options !== 'object') fail('options', 'an object', options);
  checkOptionKeys(options, SENTINEL_OPTION_KEYS, 'Sentinel options');
  if (options.sentinelOptions !== null && typeof options.sentinelOptions === 'object') {
    checkOptionKeys(options.sentinelOptions, CONNECTION_OPTION_KEYS, 'Sentinel options.sentinelOptions');
  }
  const list = options.sentinels;
  if (!Array.isArray(list) || list.length === 0) fail('sentinels', 'a non-empty list of { host, port }', list);
  const sentinels = list.map((entry: SentinelAddress, i: number) => {
    const port = entry?.port;
    if (typeof entry?.host !== 'string' || entry.host === '') fail(`sentinels[${i}].host`, 'a host name', entry?.host);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      fail(`sentinels[${i}].port`, 'a port from 1 to 65535', port);
    }
    return { host: entry.host, port };
  });
  const d = DEFAULT_SENTINEL_OPTIONS;
  const minOtherSentinels = options.minOtherSentinels ?? d.minOtherSentinels;
  if (!Number.isInteger(minOtherSentinels) || minOtherSentinels < 0) {
    fail('minOtherSentinels', 'a whole number >= 0', minOtherSentinels);
  }
  const backoffBase = millis(options.discoveryBackoff?.base, 'discoveryBackoff.base', d.discoveryBackoff.base);
  const backoffCap = millis(options.discoveryBackoff?.cap, 'discoveryBackoff.cap', d.discoveryBackoff.cap);
  if (backoffCap < backoffBase) fail('discoveryBackoff.cap', `a value >= discoveryBackoff.base (${backoffBase})`, backoffCap);
  const hold = options.holdWritesDuringFailover ?? d.holdWritesDuringFailover;
  if (typeof hold !== 'boolean') fail('holdWritesDuringFailover', 'true or false', hold);
  const watch = options.watchFailover ?? d.watchFailover;
  if (typeof watch !== 'boolean') fail('watchFailover', 'true or false', watch);
  const failoverHoldTimeout = millis(options.failoverHoldTimeout, 'failoverHoldTimeout', d.failoverHoldTimeout);
  if (failoverHoldTimeout === 0) fail('failoverHoldTimeout', 'a number of ms > 0 (turn the hold off with holdWritesDuringFailover: false)', 0);
  const sentinelPingInterval = millis(options.sentinelPingInterval, 'sentinelPingInterval', d.sentinelPingInterval);
  const factory = options.sentinelConnectionFactory;
  if (factory !== undefined && typeof factory !== 'function') fail('sentinelConnectionFactory', 'a function', typeof factory);
  const nodeOptions: PoolOptions = {};
  for (const [key, value] of Object.entries(options)) {
    if (!SENTINEL_KEYS.has(key)) (nodeOptions as Record<string, unknown>)[key] = value;
  }
  return {
    sentinels,
    sentinelOptions: { ...(options.sentinelOptions ?? {}) },
    minOtherSentinels,
    checkRole: options.checkRole ?? d.checkRole,
    watchFailover: watch,
    holdWritesDuringFailover: hold,
    failoverHoldTimeout,
    sentinelPingInterval,
    backoffBase,
    backoffCap,
    sentinelConnectionFactory: factory ?? options.connectionFactory,
    nodeOptions,
  };
}

/** Every `SentinelOptions` key: the pool options of the data nodes and the Sentinel's own. */
export const SENTINEL_OPTION_KEYS: OptionKeyList<SentinelOptions> = Object.freeze({
  ...POOL_OPTION_KEYS,
  sentinels: true, sentinelOptions: true, minOtherSentinels: true, checkRole: true, watchFailover: true,
  holdWritesDuringFailover: true, failoverHoldTimeout: true, sentinelPingInterval: true, discoveryBackoff: true,
  sentinelConnectionFactory: true,
});
