import { ProtocolError } from '../errors/index.js';
import type { RespValue } from '../protocol/resp-value.js';

/**
 * One instance as a sentinel describes it in `SENTINEL MASTER`, `SENTINEL REPLICAS` or `SENTINEL SENTINELS`:
 * the address, the flags and every other field as text (`fields`), whatever the protocol.
 */
export interface SentinelInstance {
  name: string;
  host: string;
  port: number;
  /** e.g. `master`, `slave`, `s_down`, `o_down`, `disconnected`, `sentinel`. */
  flags: readonly string[];
  fields: Readonly<Record<string, string>>;
}

/** Flags meaning "do not send traffic there". */
const DOWN_FLAGS = ['s_down', 'o_down', 'disconnected'] as const;

function text(value: RespValue, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  throw new ProtocolError(`Unexpected ${what} in a SENTINEL reply: expected a string, got ${describe(value)}.`);
}

function describe(value: RespValue): string {
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Error) return `an error (${value.message})`;
  return typeof value;
}

/** A RESP2 flat `[k, v, k, v]` array or a RESP3 map → field record. */
export function parseSentinelRecord(value: RespValue): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  if (Array.isArray(value)) {
    if (value.length % 2 !== 0) throw new ProtocolError('Unexpected SENTINEL reply: a field list of odd length.');
    for (let i = 0; i < value.length; i += 2) record[text(value[i], 'field name')] = text(value[i + 1], 'field value');
    return record;
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Error)) {
    for (const [key, field] of Object.entries(value)) record[key] = text(field, 'field value');
    return record;
  }
  throw new ProtocolError(`Unexpected SENTINEL reply: expected a map or a field list, got ${describe(value)}.`);
}

export function toSentinelInstance(value: RespValue): SentinelInstance {
  const fields = parseSentinelRecord(value);
  const port = Number.parseInt(fields.port ?? '', 10);
  if (fields.ip === undefined || !Number.isInteger(port)) {
    throw new ProtocolError('Unexpected SENTINEL reply: an instance without ip/port.');
  }
  const flags = (fields.flags ?? '').split(',').filter((flag) => flag !== '');
  return { name: fields.name ?? `${fields.ip}:${port}`, host: fields.ip, port, flags, fields };
}

/** `SENTINEL REPLICAS` / `SENTINEL SENTINELS`: an array of records. */
export function toSentinelInstances(value: RespValue): SentinelInstance[] {
  if (!Array.isArray(value)) throw new ProtocolError(`Unexpected SENTINEL reply: expected a list, got ${describe(value)}.`);
  return value.map(toSentinelInstance);
}

function numberField(instance: SentinelInstance, field: string): number {
  const parsed = Number.parseInt(instance.fields[field] ?? '', 10);
  return Number.isFinite(parsed) ? parsed : 0;
}

/**
 * Why a master record must not be used, or `undefined` when it is fine: the sentinel must call it a master, not
 * subjectively or objectively down, and see at least `minOtherSentinels` peers (redis-py `check_master_state`).
 */
export function masterProblem(instance: SentinelInstance, minOtherSentinels: number): string | undefined {
  if (!instance.flags.includes('master')) return `reports it with flags '${instance.flags.join(',')}', not as a master`;
  const down = DOWN_FLAGS.filter((flag) => instance.flags.includes(flag));
  if (down.length > 0) return `reports the master ${instance.host}:${instance.port} as ${down.join('+')}`;
  const others = numberField(instance, 'num-other-sentinels');
  if (others < minOtherSentinels) {
    return `sees only ${others} other sentinel(s), fewer than minOtherSentinels=${minOtherSentinels}`;
  }
  return undefined;
}

/** A replica worth reading from: not down nor disconnected, and its link to the master is up. */
export function isHealthyReplica(instance: SentinelInstance): boolean {
  if (DOWN_FLAGS.some((flag) => instance.flags.includes(flag))) return false;
  const link = instance.fields['master-link-status'];
  return link === undefined || link === 'ok';
}

/** `SENTINEL GET-MASTER-ADDR-BY-NAME` → address, or `undefined` for a null reply (unknown master name). */
export function toMasterAddress(value: RespValue): { host: string; port: number } | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ProtocolError(`Unexpected GET-MASTER-ADDR-BY-NAME reply: expected [ip, port], got ${describe(value)}.`);
  }
  const port = Number.parseInt(text(value[1], 'port'), 10);
  return { host: text(value[0], 'ip'), port };
}
