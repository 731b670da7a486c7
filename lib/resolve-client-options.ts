import { REDIS_CLIENT_OPTION_KEYS, type RedisClientOptions } from './client/redis-client.js';
import { CLUSTER_CLIENT_OPTION_KEYS, type ClusterClientOptions } from './cluster/cluster-client-options.js';
import { checkOptionKeys, type OptionKeyList } from './connection/option-keys.js';
import { parseRedisUrl, redactRedisUrl } from './connection/parse-redis-url.js';
import { ConfigError } from './errors/index.js';
import { SENTINEL_OPTION_KEYS, type SentinelOptions } from './sentinel/sentinel-options.js';

export type ClientTopology = 'standalone' | 'sentinel' | 'cluster';

/** A client over the Sentinel-managed pool of `masterName`: the `Sentinel`'s options plus which node to use. */
export interface SentinelManagedClientOptions extends SentinelOptions {
  /** The master name the sentinels monitor. */
  masterName: string;
  /** Connect to the master (default) or a replica. */
  role?: 'master' | 'replica';
}

const SENTINEL_MANAGED_CLIENT_OPTION_KEYS: OptionKeyList<SentinelManagedClientOptions> = Object.freeze({
  ...SENTINEL_OPTION_KEYS, masterName: true, role: true,
});

/** The option keys each topology's client takes. */
const KEYS_OF: Readonly<Record<ClientTopology, object>> = {
  standalone: REDIS_CLIENT_OPTION_KEYS,
  sentinel: SENTINEL_MANAGED_CLIENT_OPTION_KEYS,
  cluster: CLUSTER_CLIENT_OPTION_KEYS,
};

/** Refuses options the topology's client does not take (another client's name, or one for another topology). */
function checked(resolved: ResolvedClientOptions): ResolvedClientOptions {
  checkOptionKeys(resolved.options, KEYS_OF[resolved.topology], `options of a ${resolved.topology} client`);
  return resolved;
}

/** One topology and the options of its client, URL already folded in. */
export type ResolvedClientOptions =
  | { topology: 'standalone'; options: RedisClientOptions }
  | { topology: 'sentinel'; options: SentinelManagedClientOptions }
  | { topology: 'cluster'; options: ClusterClientOptions };

/** What `resolveClientOptions` folds; untyped on purpose, since it checks what it is given (Nest passes raw config). */
export interface ClientOptionsSource {
  /** A Redis URL (any scheme `parseRedisUrl` reads); its scheme picks the topology. */
  url?: unknown;
  /** Without a URL: the topology (default 'standalone'). With one: must agree with the URL's scheme. */
  topology?: unknown;
  /** The client options; they win over the URL. */
  options?: unknown;
  /** Options under both the URL and `options` (the Nest module's `commonOptions`). */
  defaults?: Readonly<Record<string, unknown>>;
}

const TOPOLOGIES: readonly ClientTopology[] = ['standalone', 'sentinel', 'cluster'];

/** A value for an error message: strings shortened, objects by kind only (so secrets inside are never shown). */
export function describeOptionValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '…' : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fail(field: string, problem: string): never {
  throw new ConfigError(`invalid option '${field}': ${problem}`);
}

/**
 * Folds a URL and options into one topology and its client options: `defaults` under the URL, `options` over both;
 * the URL's sentinel credentials (`?sentinelUsername=&sentinelPassword=`) go under `options.sentinelOptions`.
 * `createClient` and the Nest module both use it. Throws `ConfigError` naming the field; a URL appears only redacted.
 * The topology's own options (masterName, nodes, ...) are checked by its client, not here.
 */
export function resolveClientOptions(source: ClientOptionsSource): ResolvedClientOptions {
  const { url, topology, defaults = {} } = source;
  if (topology !== undefined && !TOPOLOGIES.includes(topology as ClientTopology)) {
    fail('topology', `expected one of ${TOPOLOGIES.join(', ')}, got ${describeOptionValue(topology)}.`);
  }
  const given = source.options ?? {};
  if (!isObject(given)) fail('options', `expected an object, got ${describeOptionValue(given)}.`);
  const options = given as Record<string, unknown>;

  if (url === undefined) {
    const merged = Object.keys(defaults).length === 0 ? options : { ...defaults, ...options };
    return checked({ topology: (topology as ClientTopology | undefined) ?? 'standalone', options: merged } as ResolvedClientOptions);
  }
  if (typeof url !== 'string' || url === '') fail('url', `expected a Redis URL string, got ${describeOptionValue(url)}.`);
  const { topology: fromUrl, sentinelUsername, sentinelPassword, ...parsed } = parseRedisUrl(url as string);
  if (topology !== undefined && topology !== fromUrl) {
    fail('topology', `'${String(topology)}' contradicts the URL ${redactRedisUrl(url as string)}, which is ${fromUrl}.`);
  }
  const merged: Record<string, unknown> = { ...defaults, ...parsed, ...options };
  if (sentinelUsername !== undefined || sentinelPassword !== undefined) {
    merged.sentinelOptions = {
      ...(sentinelUsername !== undefined ? { username: sentinelUsername } : {}),
      ...(sentinelPassword !== undefined ? { password: sentinelPassword } : {}),
      ...(isObject(options.sentinelOptions) ? options.sentinelOptions : {}),
    };
  }
  return checked({ topology: fromUrl, options: merged } as ResolvedClientOptions);
}
