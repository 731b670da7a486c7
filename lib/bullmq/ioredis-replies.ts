import type { RespValue } from '../index.js';

// BullMQ reads replies in the shapes ioredis gives on RESP2. redwire may speak RESP3 (maps, doubles), so the few
// commands whose RESP3 reply differs are reshaped here. Script replies are RESP2-shaped in both protocols.

/** A score as Redis prints it on RESP2 (ioredis returns it as a string). */
export function scoreText(value: RespValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value);
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

/** ZRANGE ... WITHSCORES: `[member, score, member, score, ...]` (RESP3 sends `[member, score]` pairs). */
export function flatWithScores(reply: RespValue): string[] {
  if (!Array.isArray(reply)) return [];
  const out: string[] = [];
  for (const item of reply) {
    if (Array.isArray(item)) out.push(String(item[0]), scoreText(item[1]) ?? '');
    else out.push(scoreText(item) ?? '');
  }
  return out;
}

/** BZPOPMIN: `[key, member, score]` with the score as a string, or null on timeout. */
export function popTuple(reply: RespValue): [string, string, string] | null {
  if (!Array.isArray(reply) || reply.length < 3) return null;
  return [String(reply[0]), String(reply[1]), scoreText(reply[2]) ?? ''];
}

/** XREAD: `[[stream, [[id, [field, value, ...]], ...]], ...]` (RESP3 sends a map keyed by stream), or null. */
export function streamsArray(reply: RespValue): [string, RespValue][] | null {
  if (reply === null || reply === undefined) return null;
  if (Array.isArray(reply)) return reply as [string, RespValue][];
  if (typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    return Object.entries(reply as Record<string, RespValue>);
  }
  return null;
}

/** A text reply (INFO, CLIENT LIST) as a string. */
export function textOf(reply: RespValue): string {
  return Buffer.isBuffer(reply) ? reply.toString() : String(reply ?? '');
}

/** An integer reply, or null. */
export function intOrNull(reply: RespValue): number | null {
  return reply === null || reply === undefined ? null : Number(reply);
}

/** HGETALL as an object (RESP2 sends a flat field/value list, RESP3 a map). */
export function hashObject(reply: RespValue): Record<string, RespValue> {
  if (Array.isArray(reply)) {
    const out: Record<string, RespValue> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1] as RespValue;
    return out;
  }
  if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) return { ...(reply as Record<string, RespValue>) };
  return {};
}
