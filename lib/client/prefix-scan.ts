import type { RedisApi } from './redis-api.js';

/*
 * Keys by prefix on any topology (SCAN, never KEYS; every primary of a cluster) and their deletion in batches: public,
 * for the storage integrations (keyv, express-session) and for apps.
 */

/** What a prefix scan needs from a client: SCAN on every primary (`scanIterator`) and UNLINK (split by slot on a cluster). */
export type PrefixScanClient = Pick<RedisApi, 'scanIterator' | 'unlink'>;

/** Keys are unlinked in batches of this many (one UNLINK per batch, split by slot on a cluster). */
export const DELETE_BATCH = 500;

/** `prefix` as a SCAN MATCH pattern that matches only keys starting with it (glob characters escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}*`;
}

/**
 * Every key starting with `prefix`, via SCAN (never KEYS): on a cluster client `scanIterator` visits each primary.
 * Keys written during the scan may or may not be seen (SCAN semantics). SCAN may return a key twice (rehashing):
 * `unique` drops repeats, at the cost of remembering every key seen (use it for counts and listings, not deletes).
 */
export async function* keysWithPrefix(
  client: PrefixScanClient, prefix: string, count: number, unique = false,
): AsyncGenerator<string> {
  const seen = unique ? new Set<string>() : undefined;
  for await (const key of client.scanIterator({ MATCH: prefixPattern(prefix), COUNT: count })) {
    if (seen !== undefined) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    yield key;
  }
}

/** Unlinks every key starting with `prefix`; returns how many UNLINK removed. */
export async function unlinkWithPrefix(client: PrefixScanClient, prefix: string, count: number): Promise<number> {
  let removed = 0;
  let batch: string[] = [];
  for await (const key of keysWithPrefix(client, prefix, count)) {
    batch.push(key);
    if (batch.length >= DELETE_BATCH) {
      removed += await client.unlink(...batch);
      batch = [];
    }
  }
  if (batch.length > 0) removed += await client.unlink(...batch);
  return removed;
}
