import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ConfigError } from '../errors/index.js';
import { DEFAULT_CONNECTION_OPTIONS } from './connection-defaults.js';
import type {
  AfterHandshakeHook,
  ConnectionOptions,
  CredentialProvider,
  EndpointResolver,
  RetryStrategyFn,
} from './connection-options.js';
import { normalizeRetry } from './retry-policy.js';

/** `ConnectionOptions` with every default applied and `retry` turned into one function. */
export interface NormalizedConnectionOptions {
  host: string;
  port: number;
  path: string | undefined;
  /** `undefined` = plain TCP; `true` becomes `{}` (Node's verifying defaults). */
  tls: TlsConnectionOptions | undefined;
  username: string | undefined;
  password: string | undefined;
  credentialProvider: CredentialProvider | undefined;
  db: number;
  protocol: 2 | 3;
  clientName: string | undefined;
  connectTimeout: number;
  commandTimeout: number;
  keepAlive: number | false;
  noDelay: boolean;
  retry: RetryStrategyFn;
  maxQueued: number;
  maxInFlight: number;
  maxInFlightBytes: number;
  healthCheckInterval: number;
  maxBulkLength: number;
  pushBuffers: boolean;
  resolveEndpoint: EndpointResolver | undefined;
  afterHandshake: AfterHandshakeHook | undefined;
  lazyConnect: boolean;
}

function fail(field: string, expected: string, got: unknown, secret = false): never {
  const shown = secret ? 'a value of type ' + typeof got : describe(got);
  throw new ConfigError(`Invalid connection option '${field}': expected ${expected}, got ${shown}.`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function optString(value: unknown, field: string, secret = false): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(field, 'a string', value, secret);
  return value;
}

function optFn<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(field, 'a function', value);
  return value as T;
}

function ms(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'a number of ms >= 0 (0 = none)', value);
  return value;
}

function int(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  if (!ok || value < min || value > max) fail(field, `a whole number from ${min} to ${max}`, value);
  return value;
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
  return value;
}

/**
 * Checks every option and applies `DEFAULT_CONNECTION_OPTIONS`. Throws `ConfigError` naming the field; a password
 * or token value is never part of the message. Unknown keys are left alone (layers above pass their own options).
 */
export function validateConnectionOptions(options: ConnectionOptions = {}): NormalizedConnectionOptions {
  if (options === null || typeof options !== 'object') fail('options', 'an object', options);
  const d = DEFAULT_CONNECTION_OPTIONS;
  const host = optString(options.host, 'host') ?? d.host;
  if (host === '') fail('host', 'a non-empty host name or IP address', host);
  const path = optString(options.path, 'path');
  if (path === '') fail('path', 'a non-empty unix socket path', path);

  let tls: TlsConnectionOptions | undefined;
  if (options.tls === true) tls = {};
  else if (options.tls === undefined || options.tls === false) tls = undefined;
  else if (typeof options.tls === 'object' && options.tls !== null && !Array.isArray(options.tls)) tls = options.tls;
  else fail('tls', 'true, false or Node TLS options', options.tls);

  const clientName = optString(options.clientName, 'clientName');
  if (clientName !== undefined && /[\s]/.test(clientName)) {
    fail('clientName', 'a name without spaces or newlines (Redis rejects them)', clientName);
  }
  const protocol = options.protocol ?? d.protocol;
  if (protocol !== 2 && protocol !== 3) fail('protocol', '2 or 3', protocol);

  let keepAlive: number | false = d.keepAlive;
  if (options.keepAlive === false) keepAlive = false;
  else if (options.keepAlive !== undefined) keepAlive = ms(options.keepAlive, 'keepAlive', d.keepAlive as number);

  let retry: RetryStrategyFn;
  try {
    retry = normalizeRetry(options.retry);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Invalid connection option 'retry': ${(error as Error).message}`);
  }

  return {
    host,
    port: int(options.port, 'port', d.port, 1, 65535),
    path,
    tls,
    username: optString(options.username, 'username'),
    password: optString(options.password, 'password', true),
    credentialProvider: optFn<CredentialProvider>(options.credentialProvider, 'credentialProvider'),
    db: int(options.db, 'db', d.db, 0, Number.MAX_SAFE_INTEGER),
    protocol,
    clientName,
    connectTimeout: ms(options.connectTimeout, 'connectTimeout', d.connectTimeout),
    commandTimeout: ms(options.commandTimeout, 'commandTimeout', d.commandTimeout),
    keepAlive,
    noDelay: bool(options.noDelay, 'noDelay', d.noDelay),
    retry,
    maxQueued: int(options.maxQueued, 'maxQueued', d.maxQueued, 0, Number.POSITIVE_INFINITY),
    maxInFlight: int(options.maxInFlight, 'maxInFlight', d.maxInFlight, 1, Number.POSITIVE_INFINITY),
    maxInFlightBytes: int(options.maxInFlightBytes, 'maxInFlightBytes', d.maxInFlightBytes, 1024, Number.POSITIVE_INFINITY),
    healthCheckInterval: ms(options.healthCheckInterval, 'healthCheckInterval', d.healthCheckInterval),
    maxBulkLength: int(options.maxBulkLength, 'maxBulkLength', d.maxBulkLength, 1, Number.MAX_SAFE_INTEGER),
    pushBuffers: bool(options.pushBuffers, 'pushBuffers', d.pushBuffers),
    resolveEndpoint: optFn<EndpointResolver>(options.resolveEndpoint, 'resolveEndpoint'),
    afterHandshake: optFn<AfterHandshakeHook>(options.afterHandshake, 'afterHandshake'),
    lazyConnect: bool(options.lazyConnect, 'lazyConnect', d.lazyConnect),
  };
}
