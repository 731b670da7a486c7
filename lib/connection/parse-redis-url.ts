import { ConfigError } from '../errors/index.js';
import { redactOnSerialise } from './redact-secrets.js';
import type { ConnectionOptions } from './connection-options.js';
import { redactRedisUrl } from './redact-redis-url.js';

export { redactRedisUrl };

/** A host and port, as listed in `redis+sentinel://` and `redis+cluster://` URLs. */
export interface HostAndPort {
  host: string;
  port: number;
}

/** What `parseRedisUrl` returns: connection options, plus the topology fields for sentinel/cluster URLs. */
export interface ParsedRedisUrl extends ConnectionOptions {
  /** `standalone` for redis://, rediss:// and unix://. */
  topology: 'standalone' | 'sentinel' | 'cluster';
  /** redis+sentinel: the sentinels to ask (default port 26379). */
  sentinels?: HostAndPort[];
  /** redis+sentinel: the monitored master's name (first path segment). */
  masterName?: string;
  /** redis+sentinel: connect to the master (default) or a replica (`?role=replica`). */
  role?: 'master' | 'replica';
  /** redis+sentinel: credentials for the sentinels themselves (`?sentinelUsername=&sentinelPassword=`). */
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** redis+cluster: the seed nodes (default port 6379). */
  nodes?: HostAndPort[];
  /** redis+cluster query options, passed to the cluster client as they are (it checks their ranges). */
  readFrom?: (typeof READ_FROM)[number];
  requireFullCoverage?: boolean;
  maxRedirections?: number;
  slotsRefreshInterval?: number;
  minRefreshInterval?: number;
}

type Scheme = 'redis' | 'rediss' | 'unix' | 'redis+sentinel' | 'rediss+sentinel' | 'redis+cluster' | 'rediss+cluster';
const SCHEMES: readonly Scheme[] = ['redis', 'rediss', 'unix', 'redis+sentinel', 'rediss+sentinel', 'redis+cluster', 'rediss+cluster'];

function fail(url: string, what: string): never {
  const beforeQuery = url.split('?')[0] ?? '';
  // Several '@': the password was read up to the last one; say so, in case the host is what went wrong.
  const hint = beforeQuery.indexOf('@') !== beforeQuery.lastIndexOf('@')
    ? " The credentials contain an unencoded '@' (read as part of the password): write it as %40." : '';
  throw new ConfigError(`Invalid Redis URL ${redactRedisUrl(url)}: ${what}${hint}`);
}

function decode(url: string, text: string, part: string, secret = false): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(url, `malformed percent-encoding in the ${part}${secret ? '' : ` '${text}'`}.`);
  }
}

function parsePort(url: string, text: string, part: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    // Only digits are echoed: in 'redis://user:secret' (no '@') the password sits where the port goes.
    const shown = /^\d+$/.test(text) ? `'${text}'` : `(${text.length} characters, not all digits)`;
    fail(url, `the ${part} port ${shown} is not a number from 1 to 65535.`);
  }
  return Number(text);
}

function parseHostPort(url: string, text: string, defaultPort: number): HostAndPort {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) fail(url, `the IPv6 address '${text}' has no closing ']'.`);
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail(url, `unexpected '${after}' after the IPv6 address.`);
    portText = after === '' ? undefined : after.slice(1);
    if (!/^[0-9a-f:.%a-z]+$/i.test(host) || !host.includes(':')) fail(url, `'${host}' is not an IPv6 address.`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon !== text.indexOf(':')) fail(url, `the host '${text}' has several ':'; write IPv6 addresses in brackets, e.g. [::1]:6379.`);
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    host = decode(url, host, 'host');
    if (host === '') fail(url, 'the host is empty.');
    if (/[\s/?#@[\]]/.test(host)) fail(url, `the host '${host}' contains characters a host name cannot have.`);
  }
  const port = portText === undefined || portText === '' ? defaultPort : parsePort(url, portText, `'${host}'`);
  if (portText === '') fail(url, `the port after '${host}:' is empty.`);
  return { host, port };
}

const NUMBER_OPTIONS = ['connectTimeout', 'commandTimeout', 'maxQueued', 'healthCheckInterval'] as const;
const BOOLEAN_OPTIONS = ['noDelay', 'lazyConnect'] as const;
/** The cluster client's plain-value options (lib/cluster's ClusterClientOptions), for redis+cluster:// URLs only. */
const READ_FROM = ['primary', 'replica', 'prefer-replica', 'any'] as const;
const CLUSTER_NUMBER_OPTIONS = ['maxRedirections', 'slotsRefreshInterval', 'minRefreshInterval'] as const;
const CLUSTER_OPTIONS = new Set<string>(['readFrom', 'requireFullCoverage', ...CLUSTER_NUMBER_OPTIONS]);
const QUERY_KEYS = new Set([
  'db', 'protocol', 'clientName', 'keepAlive', 'username', 'password', 'role', 'sentinelUsername', 'sentinelPassword',
  'servername', 'rejectUnauthorized', ...NUMBER_OPTIONS, ...BOOLEAN_OPTIONS, ...CLUSTER_OPTIONS,
]);

function parseBool(url: string, key: string, value: string): boolean {
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return fail(url, `query option '${key}' must be true or false, got '${value}'.`);
}

function parseMs(url: string, key: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) fail(url, `query option '${key}' must be a number >= 0, got '${value}'.`);
  return Number(value);
}

function parseDb(url: string, value: string, where: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) fail(url, `the database ${where} '${value}' is not a whole number >= 0.`);
  return Number(value);
}

/**
 * Parses a Redis URL into connection options (same names as `ConnectionOptions`):
 * - `redis://[[user]:pass@]host[:port][/db][?opts]`, `rediss://` (TLS), IPv6 as `[::1]`;
 * - `unix://[[user]:pass@]/path/to/redis.sock[?db=N&opts]`;
 * - `redis+sentinel://[user:pass@]h1:26379,h2:26380/<masterName>[/db][?role=replica]` (`rediss+sentinel` for TLS);
 * - `redis+cluster://h1:7000,h2:7001[?opts]` (`rediss+cluster` for TLS).
 * User, password and host are percent-decoded. Query options: `db`, `protocol` (2|3), `clientName`,
 * `connectTimeout`, `commandTimeout`, `healthCheckInterval` (ms), `keepAlive` (ms or false), `noDelay`, `lazyConnect`,
 * `maxQueued`, `username`, `password`, `servername`/`rejectUnauthorized` (TLS), `role`/`sentinelUsername`/
 * `sentinelPassword` (sentinel), `readFrom`/`requireFullCoverage`/`maxRedirections`/`slotsRefreshInterval`/
 * `minRefreshInterval` (cluster). Anything unknown or malformed throws `ConfigError` naming the part; the password never
 * appears in the message.
 */
export function parseRedisUrl(url: string): ParsedRedisUrl {
  if (typeof url !== 'string') throw new ConfigError(`Invalid Redis URL: expected a string, got ${typeof url}.`);
  if (/^\s/.test(url)) fail(url, 'the URL must not start with whitespace; trim it.');
  if (/\s$/.test(url)) fail(url, 'the URL must not end with whitespace (a trailing newline from a file or env var?); trim it.');
  const sep = url.indexOf('://');
  const schemeText = sep === -1 ? '' : url.slice(0, sep);
  // Echo the scheme only when it looks like one: in 'user:pw@host://...' the text before '://' is credentials.
  if (!/^[a-z][a-z0-9+.-]*$/i.test(schemeText)) fail(url, "it has no scheme (or it is misspelt); expected e.g. 'redis://host:6379'.");
  const scheme = schemeText.toLowerCase() as Scheme;
  if (!SCHEMES.includes(scheme)) fail(url, `unknown scheme '${schemeText}:'; expected one of ${SCHEMES.map((s) => s + '://').join(', ')}.`);
  if (url.includes('#')) fail(url, "a '#' fragment is not allowed (percent-encode '#' in passwords as %23).");

  let rest = url.slice(sep + 3);
  const q = rest.indexOf('?');
  const queryText = q === -1 ? '' : rest.slice(q + 1);
  rest = q === -1 ? rest : rest.slice(0, q);
  // The query ends the userinfo, so an '@' after '?' means a password with an unencoded '?'; parsing on would echo
  // pieces of it as host or query option names.
  if (queryText.includes('@')) {
    fail(url, "an '@' follows the '?'. Percent-encode '?' as %3F and '@' as %40 in passwords and query values.");
  }

  const result: ParsedRedisUrl = { topology: 'standalone' };
  // Userinfo ends at the last '@' before the query, so an unencoded '/' in a password still works.
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    if (user !== '') result.username = decode(url, user, 'username', true);
    if (colon !== -1) result.password = decode(url, userinfo.slice(colon + 1), 'password', true);
  }

  if (scheme === 'unix') {
    if (!rest.startsWith('/')) fail(url, "the socket path must be absolute, e.g. 'unix:///run/redis.sock'.");
    result.path = decode(url, rest, 'socket path');
  } else {
    const slash = rest.indexOf('/');
    const hostsText = slash === -1 ? rest : rest.slice(0, slash);
    const pathText = slash === -1 ? '' : rest.slice(slash + 1);
    if (hostsText === '') fail(url, 'the host is empty.');
    if (scheme.startsWith('rediss')) result.tls = true;
    const segments = pathText === '' ? [] : pathText.replace(/\/$/, '').split('/');

    if (scheme.endsWith('+sentinel')) {
      result.topology = 'sentinel';
      result.sentinels = hostsText.split(',').map((h) => parseHostPort(url, h, 26379));
      if (segments.length === 0 || segments[0] === '') fail(url, "the master name is missing; expected 'redis+sentinel://host:26379/<masterName>'.");
      if (segments.length > 2) fail(url, `unexpected path '/${pathText}'; expected '/<masterName>[/db]'.`);
      result.masterName = decode(url, segments[0] ?? '', 'master name');
      if (segments[1] !== undefined) result.db = parseDb(url, segments[1], 'in the path');
      result.role = 'master';
    } else if (scheme.endsWith('+cluster')) {
      result.topology = 'cluster';
      result.nodes = hostsText.split(',').map((h) => parseHostPort(url, h, 6379));
      if (segments.length > 0) fail(url, `unexpected path '/${pathText}'; a cluster has only database 0.`);
    } else {
      if (hostsText.includes(',')) fail(url, `several hosts '${hostsText}' need redis+sentinel:// or redis+cluster://.`);
      const { host, port } = parseHostPort(url, hostsText, 6379);
      result.host = host;
      result.port = port;
      if (segments.length > 1) fail(url, `unexpected path '/${pathText}'; expected '/<db>'.`);
      if (segments[0] !== undefined) result.db = parseDb(url, segments[0], 'in the path');
    }
  }
  applyQuery(url, queryText, result);
  // Options users log: JSON.stringify and util.inspect show the password as '[redacted]'.
  return redactOnSerialise(result);
}

function applyQuery(url: string, queryText: string, result: ParsedRedisUrl): void {
  if (queryText === '') return;
  const seen = new Set<string>();
  for (const pair of queryText.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(url, eq === -1 ? pair : pair.slice(0, eq), 'query option name');
    if (!QUERY_KEYS.has(key)) fail(url, `unknown query option '${key}'; known: ${[...QUERY_KEYS].join(', ')}.`);
    const secret = key === 'password' || key === 'sentinelPassword';
    const value = decode(url, eq === -1 ? '' : pair.slice(eq + 1), `value of '${key}'`, secret);
    if (seen.has(key)) fail(url, `query option '${key}' is given twice.`);
    seen.add(key);
    if (eq === -1 || value === '') fail(url, `query option '${key}' has no value.`);
    if (CLUSTER_OPTIONS.has(key)) {
      applyClusterOption(url, key, value, result);
      continue;
    }
    switch (key) {
      case 'db':
        if (result.db !== undefined) fail(url, 'the database is given both in the path and as ?db=.');
        result.db = parseDb(url, value, 'option');
        break;
      case 'protocol':
        if (value !== '2' && value !== '3') fail(url, `query option 'protocol' must be 2 or 3, got '${value}'.`);
        result.protocol = value === '2' ? 2 : 3;
        break;
      case 'clientName':
        result.clientName = value;
        break;
      case 'keepAlive':
        result.keepAlive = value === 'false' ? false : parseMs(url, key, value);
        break;
      case 'username':
        result.username = value;
        break;
      case 'password':
        result.password = value;
        break;
      case 'sentinelUsername':
      case 'sentinelPassword':
      case 'role':
        if (result.topology !== 'sentinel') fail(url, `query option '${key}' only applies to redis+sentinel:// URLs.`);
        if (key === 'role') {
          if (value !== 'master' && value !== 'replica') fail(url, `query option 'role' must be master or replica, got '${value}'.`);
          result.role = value;
        } else result[key] = value;
        break;
      case 'servername':
      case 'rejectUnauthorized': {
        if (result.tls === undefined) fail(url, `query option '${key}' needs a TLS scheme (rediss://).`);
        const tls = result.tls === true ? {} : { ...(result.tls as object) };
        result.tls = key === 'servername' ? { ...tls, servername: value } : { ...tls, rejectUnauthorized: parseBool(url, key, value) };
        break;
      }
      case 'noDelay':
      case 'lazyConnect':
        result[key] = parseBool(url, key, value);
        break;
      default: {
        const k = key as (typeof NUMBER_OPTIONS)[number];
        result[k] = parseMs(url, key, value);
      }
    }
  }
}

function applyClusterOption(url: string, key: string, value: string, result: ParsedRedisUrl): void {
  if (result.topology !== 'cluster') fail(url, `query option '${key}' only applies to redis+cluster:// URLs.`);
  if (key === 'readFrom') {
    const known = READ_FROM.find((r) => r === value);
    if (known === undefined) fail(url, `query option 'readFrom' must be one of ${READ_FROM.join(', ')}, got '${value}'.`);
    result.readFrom = known;
  } else if (key === 'requireFullCoverage') {
    result.requireFullCoverage = parseBool(url, key, value);
  } else {
    result[key as (typeof CLUSTER_NUMBER_OPTIONS)[number]] = parseMs(url, key, value);
  }
}
