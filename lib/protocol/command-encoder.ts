import { constants as bufferConstants } from 'node:buffer';
import { DataError } from '../errors/index.js';
import type { RedisArg } from './resp-value.js';

/*
 * Commands → RESP arrays of bulk strings, in one pass: every argument is written straight into one output Buffer
 * sized from a cheap estimate (string lengths, Buffer sizes), which grows by doubling in the rare case it is short
 * (non-ASCII text, long numbers). Short ASCII strings are checked and copied in the same loop, so each string is
 * read once. A bad argument throws DataError and nothing is returned.
 */

function describe(arg: unknown): string {
  if (arg === null) return 'null';
  if (typeof arg === 'number') return `a non-finite number (${String(arg)})`;
  if (Array.isArray(arg)) return 'an array';
  return typeof arg === 'object' ? 'an object' : typeof arg;
}

function commandName(args: readonly unknown[]): string | undefined {
  const first = args[0];
  if (typeof first === 'string') return first.toUpperCase();
  if (first instanceof Uint8Array) return Buffer.from(first.buffer, first.byteOffset, first.byteLength).toString('latin1').toUpperCase();
  return undefined;
}

function badArgument(args: readonly unknown[], index: number): DataError {
  const command = commandName(args);
  const where = command === undefined ? `argument ${index}` : `argument ${index} of ${command}`;
  return new DataError(
    `Cannot encode ${where}: got ${describe(args[index])}. Pass a string, Buffer, finite number or bigint ` +
      '(convert or serialise the value first).',
    command === undefined ? {} : { command },
  );
}

function digitCount(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  return String(n).length;
}

/** Bytes taken by `<prefix><n>\r\n`. */
function headerSize(n: number): number {
  return digitCount(n) + 3;
}

/** Writes `<prefix><n>\r\n` at `pos` by byte arithmetic; returns the position after it. */
function writeHeader(out: Buffer, pos: number, prefix: number, n: number): number {
  if (n < 10) {
    out[pos] = prefix;
    out[pos + 1] = 48 + n;
    out[pos + 2] = 13;
    out[pos + 3] = 10;
    return pos + 4;
  }
  out[pos++] = prefix;
  const digits = digitCount(n);
  let p = pos + digits;
  do {
    out[--p] = 48 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  pos += digits;
  out[pos++] = 13;
  out[pos++] = 10;
  return pos;
}

function checkCommand(args: unknown, index: number): readonly RedisArg[] {
  if (!Array.isArray(args)) {
    throw new DataError(`Cannot encode command ${index} of the batch: expected an array of arguments, got ${describe(args)}.`);
  }
  if (args.length === 0) {
    throw new DataError('Cannot encode an empty command: pass at least the command name.');
  }
  return args as readonly RedisArg[];
}


/**
 * Strings at least this long are not copied into the output when encoding for a socket write (`encodeForWrite`):
 * they go to the socket as they are, and its write converts them to UTF-8 once, in native code. A 100 KB SET then
 * allocates no 100 KB Buffer, which measured as most of its garbage-collection time.
 */
export const LARGE_STRING = 32 * 1024;

/** What `encodeForWrite` returns when a large string was kept apart: Buffers and strings to write in order. */
export interface EncodedSegments {
  readonly segments: readonly (Buffer | string)[];
  /** Total bytes on the wire. */
  readonly byteLength: number;
}

/** The output of one encode call: a Buffer that grows by doubling, and the write position. */
let out: Buffer = Buffer.alloc(0);
let pos = 0;
/** While `encodeForWrite` runs: large strings become segments of their own (see LARGE_STRING). */
let splitting = false;
let segments: (Buffer | string)[] | undefined;
/** Where the output segment being written started in `out`. */
let segmentStart = 0;
/** Bytes of the large strings kept apart. */
let largeBytes = 0;

function ensure(extra: number): void {
  const need = pos + extra;
  if (need <= out.length) return;
  let size = out.length * 2;
  if (size < need) size = need;
  const bigger = Buffer.allocUnsafe(size);
  out.copy(bigger, 0, 0, pos);
  out = bigger;
}

/** Bytes a command probably takes (exact for ASCII strings, Buffers and short numbers). */
function estimate(args: readonly RedisArg[]): number {
  let total = headerSize(args.length);
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    const len = typeof arg === 'string' ? arg.length : arg instanceof Uint8Array ? arg.byteLength : 20;
    // A string kept apart takes only its header (its length has at most 10 digits) and CRLF here.
    total += splitting && typeof arg === 'string' && len >= LARGE_STRING ? 15 : headerSize(len) + len + 2;
  }
  return total;
}

function writeText(text: string): void {
  const n = text.length;
  if (n < 64) {
    // Short strings (command names, keys, small values) are usually ASCII: copy and check in one loop.
    ensure(headerSize(n) + n + 2);
    const buf = out; // a local: the module variable would be reloaded on every store
    const at = writeHeader(buf, pos, 36 /* '$' */, n);
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) break;
      buf[at + i] = c;
    }
    if (i === n) {
      buf[at + n] = 13;
      buf[at + n + 1] = 10;
      pos = at + n + 2;
      return;
    }
    // Not ASCII: written again below with its UTF-8 length (pos still points at this argument's start).
  }
  const len = Buffer.byteLength(text, 'utf8');
  if (splitting && n >= LARGE_STRING) {
    // The header ends the current segment, the string is one of its own, CRLF starts the next.
    ensure(headerSize(len) + 2);
    pos = writeHeader(out, pos, 36 /* '$' */, len);
    (segments ??= []).push(out.subarray(segmentStart, pos), text);
    largeBytes += len;
    segmentStart = pos;
    out[pos++] = 13;
    out[pos++] = 10;
    return;
  }
  ensure(headerSize(len) + len + 2);
  pos = writeHeader(out, pos, 36 /* '$' */, len);
  pos += out.write(text, pos, len, 'utf8');
  out[pos++] = 13;
  out[pos++] = 10;
}

function writeArgs(args: readonly RedisArg[]): void {
  ensure(headerSize(args.length));
  pos = writeHeader(out, pos, 42 /* '*' */, args.length);
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    if (typeof arg === 'string') {
      writeText(arg);
    } else if (arg instanceof Uint8Array) {
      const len = arg.byteLength;
      ensure(headerSize(len) + len + 2);
      pos = writeHeader(out, pos, 36 /* '$' */, len);
      out.set(arg, pos);
      pos += len;
      out[pos++] = 13;
      out[pos++] = 10;
    } else if (typeof arg === 'number') {
      if (!Number.isFinite(arg)) throw badArgument(args, i);
      writeText(String(arg));
    } else if (typeof arg === 'bigint') {
      writeText(arg.toString());
    } else {
      throw badArgument(args, i);
    }
  }
}

/** Runs one encode into a fresh Buffer of `size` bytes; returns exactly the bytes written. */
function encodeWith(size: number, write: () => void): Buffer {
  out = Buffer.allocUnsafe(size);
  pos = 0;
  try {
    write();
    return trimmed(out, pos);
  } finally {
    out = EMPTY;
    pos = 0;
  }
}

/**
 * The first `length` bytes of `written`. The estimate is exact for ASCII strings and Buffers; numbers are counted as
 * 20 digits. Keep a view when little is unused, else copy so a large unused tail is not kept alive until the write
 * completes.
 */
function trimmed(written: Buffer, length: number): Buffer {
  if (length === written.length) return written;
  return length >= written.length - 64 || length > written.length >>> 1 ? written.subarray(0, length) : Buffer.from(written.subarray(0, length));
}

const EMPTY = Buffer.alloc(0);

/** Encodes one command (`['SET', 'key', 'value']`) as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RedisArg[]): Buffer {
  checkCommand(args, 0);
  return encodeWith(estimate(args), () => writeArgs(args));
}

/** Encodes a batch of commands into one Buffer (one socket write for a pipeline). */
export function encodeCommands(batch: readonly (readonly RedisArg[])[]): Buffer {
  let size = 0;
  for (let c = 0; c < batch.length; c++) size += estimate(checkCommand(batch[c], c));
  return encodeWith(size, () => {
    for (let c = 0; c < batch.length; c++) writeArgs(batch[c]!);
  });
}

/**
 * Like `encodeCommands`, for a socket write: one Buffer, or, when a string argument is LARGE_STRING or longer,
 * segments (the strings as they are, the bytes around them) to write in order with the socket corked.
 */
export function encodeForWrite(batch: readonly (readonly RedisArg[])[]): Buffer | EncodedSegments {
  // The segment state is reset in `finally`, so it starts clean on every call.
  splitting = true;
  try {
    const bytes = encodeCommands(batch);
    const parts = segments as (Buffer | string)[] | undefined; // set by writeText, which TypeScript does not see
    if (parts === undefined) return bytes;
    // `bytes` holds what was written around the kept-apart strings; the last segment is what follows the last one.
    parts.push(bytes.subarray(segmentStart));
    let byteLength = largeBytes;
    for (const part of parts) if (typeof part !== 'string') byteLength += part.length;
    // The limit of one Buffer, as when everything is copied: a single command beyond it is refused, not sent.
    if (byteLength > bufferConstants.MAX_LENGTH) {
      throw new RangeError(`${byteLength} bytes are more than one write holds (${bufferConstants.MAX_LENGTH})`);
    }
    return { segments: parts, byteLength };
  } finally {
    splitting = false;
    segments = undefined;
    segmentStart = 0;
    largeBytes = 0;
  }
}
