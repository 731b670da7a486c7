import { DataError, ProtocolError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { ScoredMember } from './commands/command-types.js';
import { keyScanOptionKeys, scanArgs, scanOptionKeys } from './commands/scan-options.js';

/** Options of the SCAN family. */
export interface ScanOptions {
  /** Glob-style pattern (MATCH). Upper-case like the command options (`scan(0, { MATCH })`); `match` also works. */
  MATCH?: string;
  /** Hint of how many elements the server looks at per call (COUNT). Default: the server's (10). */
  COUNT?: number;
  /** @deprecated spelling; use MATCH. */
  match?: string;
  /** @deprecated spelling; use COUNT. */
  count?: number;
}

/** SCAN also filters by type (TYPE), e.g. 'string', 'hash', 'stream'. */
export interface KeyScanOptions extends ScanOptions {
  TYPE?: string;
  /** @deprecated spelling; use TYPE. */
  type?: string;
}

type Run = (args: RedisArg[]) => Promise<RespValue>;

/** The command options' keys (commands/scan-options.ts), each also in the lower-case spelling the iterators accept. */
function withLowerCase(keys: object): ReadonlySet<string> {
  return new Set(Object.keys(keys).flatMap((k) => [k, k.toLowerCase()]));
}
const SCAN_KEYS = withLowerCase(scanOptionKeys);
const KEY_SCAN_KEYS = withLowerCase(keyScanOptionKeys);

/**
 * The options as arguments. Anything the command would not get is refused before the first SCAN: an unknown key
 * (`{ pattern: 'sess:*' }`) silently dropped would scan, and maybe delete, every key.
 */
function options(command: string, o: KeyScanOptions, allowed: ReadonlySet<string>): RedisArg[] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new DataError(`${command} iterator options must be an object like { MATCH, COUNT${allowed.has('TYPE') ? ', TYPE' : ''} }, got ${o === null ? 'null' : Array.isArray(o) ? 'an array' : typeof o}.`);
  }
  for (const key of Object.keys(o)) {
    if (!allowed.has(key)) {
      throw new DataError(`${command} iterator: unknown option '${key}'; allowed: ${[...allowed].filter((k) => k === k.toUpperCase()).join(', ')}. Nothing was sent.`);
    }
  }
  return scanArgs({ MATCH: o.MATCH ?? o.match, COUNT: o.COUNT ?? o.count, TYPE: o.TYPE ?? o.type });
}

function text(value: RespValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'number') return String(value);
  throw new ProtocolError('SCAN-family reply had an element that is not a string.');
}

/** Redis writes infinite scores as 'inf' / '-inf'. */
function parseScore(value: string): number {
  const lower = value.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

/** Runs a SCAN-family command from cursor 0 until the server returns cursor 0, yielding each page's elements. */
async function* pages(run: Run, head: RedisArg[], tail: RedisArg[]): AsyncGenerator<RespValue[]> {
  let cursor = '0';
  do {
    const reply = await run([...head, cursor, ...tail]);
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) {
      throw new ProtocolError(`${String(head[0])} reply is not [cursor, elements].`);
    }
    cursor = text(reply[0]);
    yield reply[1];
  } while (cursor !== '0');
}

/** Every key matching the options (SCAN). A key may appear twice if the keyspace changes while scanning. */
export async function* scanKeys(run: Run, o: KeyScanOptions = {}): AsyncGenerator<string> {
  for await (const page of pages(run, ['SCAN'], options('SCAN', o, KEY_SCAN_KEYS))) for (const key of page) yield text(key);
}

/** [field, value] pairs of a hash (HSCAN). */
export async function* scanHash(run: Run, key: RedisArg, o: ScanOptions = {}): AsyncGenerator<[string, string]> {
  for await (const page of pages(run, ['HSCAN', key], options('HSCAN', o, SCAN_KEYS))) {
    for (let i = 0; i + 1 < page.length; i += 2) yield [text(page[i]), text(page[i + 1])];
  }
}

/** Members of a set (SSCAN). */
export async function* scanSet(run: Run, key: RedisArg, o: ScanOptions = {}): AsyncGenerator<string> {
  for await (const page of pages(run, ['SSCAN', key], options('SSCAN', o, SCAN_KEYS))) for (const member of page) yield text(member);
}

/** { member, score } of a sorted set (ZSCAN). */
export async function* scanSortedSet(run: Run, key: RedisArg, o: ScanOptions = {}): AsyncGenerator<ScoredMember> {
  for await (const page of pages(run, ['ZSCAN', key], options('ZSCAN', o, SCAN_KEYS))) {
    for (let i = 0; i + 1 < page.length; i += 2) {
      const score = page[i + 1];
      yield { member: text(page[i]), score: typeof score === 'number' ? score : parseScore(text(score)) };
    }
  }
}
