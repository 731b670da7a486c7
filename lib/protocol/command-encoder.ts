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


/** The output of one encode call: a Buffer that grows by doubling, and the write position. */
let out: Buffer = Buffer.alloc(0);
let pos = 0;

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
    total += headerSize(len) + len + 2;
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
    const written = out;
    const length = pos;
    // The estimate is exact for ASCII strings and Buffers; numbers are counted as 20 digits. Keep a view when
    // little is unused, else copy so a large unused tail is not kept alive until the write completes.
    if (length === written.length) return written;
    return length >= written.length - 64 || length > written.length >>> 1 ? written.subarray(0, length) : Buffer.from(written.subarray(0, length));
  } finally {
    out = EMPTY;
    pos = 0;
  }
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
