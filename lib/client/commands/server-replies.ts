import type { RespValue } from '../../protocol/resp-value.js';
import { asArray, asInteger, asText, asTextArray, newRecord } from './reply-transforms.js';

/** INFO parsed by section (lower-case names: `server`, `clients`, `keyspace`, ...) plus the raw text. */
export interface InfoReply {
  sections: Record<string, Record<string, string>>;
  raw: string;
}

export type RoleInfo =
  | { role: 'master'; replicationOffset: number; replicas: { host: string; port: number; offset: number }[] }
  | { role: 'replica'; masterHost: string; masterPort: number; state: string; offset: number }
  | { role: 'sentinel'; masterNames: string[] };

export interface ServerTime {
  seconds: number;
  microseconds: number;
}

/** One CLIENT LIST / CLIENT INFO line as `field → value` (all values as sent: text). */
export type ClientInfo = Record<string, string> & { id: string; addr: string; name: string; db: string };

export function parseInfo(raw: string): InfoReply {
  const sections = newRecord<Record<string, string>>();
  let current = newRecord<string>();
  sections['default'] = current;
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      current = newRecord<string>();
      sections[line.slice(1).trim().toLowerCase()] = current;
    } else if (line.length > 0) {
      const colon = line.indexOf(':');
      if (colon > 0) current[line.slice(0, colon)] = line.slice(colon + 1);
    }
  }
  if (Object.keys(sections['default'] ?? {}).length === 0) delete sections['default'];
  return { sections, raw };
}

export function asInfo(reply: RespValue): InfoReply {
  return parseInfo(asText(reply));
}

export function asRole(reply: RespValue): RoleInfo {
  const parts = asArray(reply);
  const role = asText(parts[0] ?? null);
  if (role === 'master') {
    return {
      role: 'master',
      replicationOffset: asInteger(parts[1] ?? 0),
      replicas: asArray(parts[2] ?? null).map((r) => {
        const [host, port, offset] = asArray(r);
        return { host: asText(host ?? null), port: asInteger(port ?? 0), offset: asInteger(offset ?? 0) };
      }),
    };
  }
  if (role === 'sentinel') return { role: 'sentinel', masterNames: asTextArray(parts[1] ?? null) };
  return {
    role: 'replica',
    masterHost: asText(parts[1] ?? null),
    masterPort: asInteger(parts[2] ?? 0),
    state: asText(parts[3] ?? null),
    offset: asInteger(parts[4] ?? 0),
  };
}

export function asServerTime(reply: RespValue): ServerTime {
  const [seconds, microseconds] = asArray(reply);
  return { seconds: asInteger(seconds ?? 0), microseconds: asInteger(microseconds ?? 0) };
}

function parseClientLine(line: string): ClientInfo {
  const info = newRecord<string>();
  for (const pair of line.trim().split(' ')) {
    const eq = pair.indexOf('=');
    if (eq > 0) info[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return info as ClientInfo;
}

export function asClientList(reply: RespValue): ClientInfo[] {
  return asText(reply).split('\n').filter((l) => l.trim().length > 0).map(parseClientLine);
}

export function asClientInfo(reply: RespValue): ClientInfo {
  return parseClientLine(asText(reply));
}
