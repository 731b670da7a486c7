import type { LoggerService } from '@nestjs/common';
import { validateConnectionOptions } from '../connection/validate-connection-options.js';
import { ConfigError } from '../errors/index.js';
import { normalizePoolOptions, type PoolOptions } from '../pool/pool-options.js';
import { describeOptionValue as describe, resolveClientOptions } from '../resolve-client-options.js';
import { normalizeSentinelOptions } from '../sentinel/sentinel-options.js';
import { CLIENT_OPTION_HINTS, MODULE_OPTION_HINTS } from './peer-option-hints.js';
import { REDIS_MODULE_DEFAULTS } from './redis.constants.js';
import { redactOnInspect } from './redact-options.js';
import type { RedisConnection } from './redis-connection.js';
import type {
  RedisClientConfig,
  RedisModuleBehaviourOptions,
  RedisModuleClusterOptions,
  RedisModuleSentinelOptions,
  RedisModuleStandaloneOptions,
} from './redis-module-options.interface.js';

/** The client part after validation: one topology, its options (URL already folded in by `resolveClientOptions`). */
export type ResolvedClientConfig =
  | { topology: 'standalone'; options: RedisModuleStandaloneOptions }
  | { topology: 'sentinel'; options: RedisModuleSentinelOptions }
  | { topology: 'cluster'; options: RedisModuleClusterOptions };

/** Module options after validation, with every default applied. */
export interface ResolvedRedisModuleOptions {
  name: string;
  client: ResolvedClientConfig;
  /** The options as given, `commonOptions` merged into `options` (for `connectionFactory`). */
  given: RedisClientConfig;
  connectOnInit: boolean;
  failFast: boolean;
  shutdownTimeout: number;
  /** `undefined` = silent. `true` becomes Nest's `Logger` in the lifecycle. */
  logger: LoggerService | true | undefined;
  readyLog: boolean;
  errorLog: boolean;
  closeClient: boolean;
  connectionFactory: ((options: RedisClientConfig, name: string) => RedisConnection) | undefined;
  onClientCreated: RedisModuleBehaviourOptions['onClientCreated'];
  onClientReady: RedisModuleBehaviourOptions['onClientReady'];
}

const MODULE_KEYS = new Set([
  'url', 'topology', 'options', 'connectOnInit', 'failFast', 'shutdownTimeout', 'logger', 'readyLog', 'errorLog',
  'closeClient', 'commonOptions', 'connectionFactory', 'onClientCreated', 'onClientReady',
  // forRoot passes these through; they are used before validation.
  'name', 'isGlobal',
]);
/** Where a connection goes: per connection, never in `commonOptions`. */
const PER_CONNECTION_KEYS = ['host', 'port', 'path', 'resolveEndpoint', 'nodes', 'sentinels', 'masterName', 'role'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks the options of connection `name` and resolves URL + topology into one client config. Every failure is a
 * `ConfigError` whose message starts with `Redis connection '<name>'` and names the field; secret values never
 * appear (URLs are redacted, passwords are reported by type only).
 */
export function validateRedisModuleOptions(raw: unknown, name: string): ResolvedRedisModuleOptions {
  const fail = (field: string, problem: string): never => {
    throw new ConfigError(`Redis connection '${name}': invalid option '${field}': ${problem}`);
  };
  if (!isObject(raw)) {
    return fail('options', `expected an object (RedisModuleOptions), got ${describe(raw)}.`);
  }
  for (const key of Object.keys(raw)) {
    if (MODULE_KEYS.has(key)) continue;
    const hint = Object.hasOwn(MODULE_OPTION_HINTS, key) ? MODULE_OPTION_HINTS[key] : undefined;
    if (hint !== undefined) fail(key, `not an option of this module: ${hint}`);
    fail(key, `unknown option. Connection settings such as host/port/password go inside 'options' ` +
      `(or use 'url'); module options are ${[...MODULE_KEYS].join(', ')}.`);
  }
  const bool = (field: string, fallback: boolean): boolean => {
    const value = raw[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') fail(field, `expected true or false, got ${describe(value)}.`);
    return value as boolean;
  };
  const shutdownTimeout = raw.shutdownTimeout ?? REDIS_MODULE_DEFAULTS.shutdownTimeout;
  if (typeof shutdownTimeout !== 'number' || !Number.isFinite(shutdownTimeout) || shutdownTimeout < 0) {
    fail('shutdownTimeout', `expected a number of ms >= 0, got ${describe(shutdownTimeout)}.`);
  }
  const logger = raw.logger ?? REDIS_MODULE_DEFAULTS.logger;
  const loggerOk = typeof logger === 'boolean' || (isObject(logger) && typeof logger.log === 'function');
  if (!loggerOk) fail('logger', `expected true, false or a Nest LoggerService, got ${describe(logger)}.`);
  const fn = (field: string): unknown => {
    const value = raw[field];
    if (value !== undefined && typeof value !== 'function') fail(field, `expected a function, got ${describe(value)}.`);
    return value;
  };
  const connectionFactory = fn('connectionFactory');
  const onClientCreated = fn('onClientCreated');
  const onClientReady = fn('onClientReady');
  const common = commonOptionsOf(raw, fail);

  let client: ResolvedClientConfig;
  try {
    client = resolveClientConfig(raw, common, fail);
  } catch (error) {
    // Errors of the lower layers name the field; prefix the connection so apps with several can tell.
    if (error instanceof ConfigError && !error.message.startsWith(`Redis connection '${name}'`)) {
      throw new ConfigError(`Redis connection '${name}': ${error.message}`);
    }
    throw error;
  }
  return redactOnInspect({
    name,
    client,
    given: givenOptions(raw, common),
    connectOnInit: bool('connectOnInit', REDIS_MODULE_DEFAULTS.connectOnInit),
    failFast: bool('failFast', REDIS_MODULE_DEFAULTS.failFast),
    shutdownTimeout: shutdownTimeout as number,
    logger: logger === false ? undefined : logger === true ? true : (logger as LoggerService),
    readyLog: bool('readyLog', REDIS_MODULE_DEFAULTS.readyLog),
    errorLog: bool('errorLog', REDIS_MODULE_DEFAULTS.errorLog),
    closeClient: bool('closeClient', REDIS_MODULE_DEFAULTS.closeClient),
    connectionFactory: connectionFactory as ResolvedRedisModuleOptions['connectionFactory'],
    onClientCreated: onClientCreated as ResolvedRedisModuleOptions['onClientCreated'],
    onClientReady: onClientReady as ResolvedRedisModuleOptions['onClientReady'],
  }, 'RedisModuleOptions');
}

/** Fails on option names of other clients/modules whose setting has another name or place here. */
function checkPeerNames(options: Record<string, unknown>, field: string, fail: (field: string, problem: string) => never): void {
  for (const key of Object.keys(options)) {
    const hint = Object.hasOwn(CLIENT_OPTION_HINTS, key) ? CLIENT_OPTION_HINTS[key] : undefined;
    if (hint !== undefined) fail(`${field}.${key}`, `not an option here: ${hint}`);
  }
}

/** Checks `commonOptions` and returns them (empty when not given); they are merged in `resolveClientConfig`. */
function commonOptionsOf(raw: Record<string, unknown>, fail: (field: string, problem: string) => never): Record<string, unknown> {
  if (isObject(raw.options)) checkPeerNames(raw.options, 'options', fail);
  const common = raw.commonOptions;
  if (common === undefined) return {};
  if (!isObject(common)) fail('commonOptions', `expected an object of connection options, got ${describe(common)}.`);
  checkPeerNames(common as Record<string, unknown>, 'commonOptions', fail);
  for (const key of PER_CONNECTION_KEYS) {
    if ((common as Record<string, unknown>)[key] !== undefined) {
      fail(`commonOptions.${key}`, `where a connection goes is set per connection: put '${key}' in its 'options' (or its 'url').`);
    }
  }
  return common as Record<string, unknown>;
}

/** The client part of the raw options, with `commonOptions` merged under `options` (what `connectionFactory` gets). */
function givenOptions(raw: Record<string, unknown>, common: Record<string, unknown>): RedisClientConfig {
  const { url, topology, options } = raw;
  const merged = Object.keys(common).length === 0 ? options : { ...common, ...(options as object | undefined) };
  return Object.fromEntries(Object.entries({ url, topology, options: merged }).filter(([, v]) => v !== undefined)) as RedisClientConfig;
}

/** Folds URL, topology, `commonOptions` and `options` (the same function as `createClient`), then checks the result. */
function resolveClientConfig(
  raw: Record<string, unknown>,
  common: Record<string, unknown>,
  fail: (field: string, problem: string) => never,
): ResolvedClientConfig {
  const resolved = resolveClientOptions({ url: raw.url, topology: raw.topology, options: raw.options, defaults: common });
  checkTopologyOptions(resolved as ResolvedClientConfig, fail);
  return resolved as ResolvedClientConfig;
}

/** Runs the lower layers' own validators now, so a bad option fails bootstrap before any socket opens. */
function checkTopologyOptions(config: ResolvedClientConfig, fail: (field: string, problem: string) => never): void {
  const check = (options: PoolOptions): void => {
    validateConnectionOptions(normalizePoolOptions(options).connectionOptions);
  };
  if (config.topology === 'standalone') {
    check(config.options);
    return;
  }
  if (config.topology === 'sentinel') {
    const { masterName, role, ...rest } = config.options;
    if (typeof masterName !== 'string' || masterName === '') {
      fail('options.masterName', `expected the monitored master's name, got ${describe(masterName)}.`);
    }
    if (role !== undefined && role !== 'master' && role !== 'replica') {
      fail('options.role', `expected 'master' or 'replica', got ${describe(role)}.`);
    }
    const normalized = normalizeSentinelOptions(rest);
    check(normalized.nodeOptions);
    validateConnectionOptions(normalized.sentinelOptions);
    return;
  }
  const { nodes, ...rest } = config.options;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    fail('options.nodes', `expected a non-empty list of seed nodes ({ host, port } or 'host:port'), got ${describe(nodes)}.`);
  }
  nodes.forEach((node: unknown, i) => {
    if (typeof node === 'string') {
      const colon = node.lastIndexOf(':');
      validateConnectionOptions({ host: node.slice(0, colon), port: Number(node.slice(colon + 1)) });
      return;
    }
    if (!isObject(node)) fail(`options.nodes[${i}]`, `expected { host, port } or 'host:port', got ${describe(node)}.`);
    validateConnectionOptions({ host: node.host as string, port: node.port as number });
  });
  check(rest);
}
