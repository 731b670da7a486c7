import { DataError } from '../errors/index.js';
import type { RedisArg } from './resp-value.js';

/*
 * Commands → RESP arrays of bulk strings. A batch is measured first and written into one Buffer.allocUnsafe, so
 * a pipeline of N commands costs one allocation and one copy of each Buffer argument.
 * Validation happens in the measuring pass: a bad argument throws DataError before anything is produced.
 */

// Scratch space reused across calls (encoding is synchronous, so there is no re-entrancy): the normalised argument
// (numbers and bigints turned into strings) and its byte length, so the write pass does not measure again.
let scratchValues: (string | Uint8Array | undefined)[] = [];
let scratchLengths = new Int32Array(64);

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

/** Normalises args[i] into scratch slot `slot`; returns the bytes this argument takes on the wire. */
function measure(args: readonly RedisArg[], slot: number): number {
  let total = 0;
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i];
    let len: number;
    if (typeof arg === 'string') {
      len = arg.length < 64 && isAscii(arg) ? arg.length : Buffer.byteLength(arg, 'utf8');
      scratchValues[slot] = arg;
    } else if (arg instanceof Uint8Array) {
      len = arg.byteLength;
      scratchValues[slot] = arg;
    } else if (typeof arg === 'number') {
      if (!Number.isFinite(arg)) throw badArgument(args, i);
      const text = String(arg);
      len = text.length;
      scratchValues[slot] = text;
    } else if (typeof arg === 'bigint') {
      const text = arg.toString();
      len = text.length;
      scratchValues[slot] = text;
    } else {
      throw badArgument(args, i);
    }
    scratchLengths[slot++] = len;
    total += headerSize(len) + len + 2;
  }
  return total;
}

/** Short ASCII strings are common (command names, keys); checking them is cheaper than Buffer.byteLength. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

function ensureScratch(size: number): void {
  if (scratchLengths.length < size) {
    let n = scratchLengths.length;
    while (n < size) n *= 2;
    scratchLengths = new Int32Array(n);
  }
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

/** Writes the arguments measured into scratch slots [slot, slot + count) as one RESP array. */
function writeCommand(out: Buffer, pos: number, slot: number, count: number): number {
  pos = writeHeader(out, pos, 42 /* '*' */, count);
  for (let end = slot + count; slot < end; slot++) {
    const value = scratchValues[slot] as string | Uint8Array;
    const len = scratchLengths[slot];
    pos = writeHeader(out, pos, 36 /* '$' */, len);
    if (typeof value === 'string') {
      if (len === value.length && len < 16) {
        // Short ASCII: a byte loop beats the call into the native writer.
        for (let i = 0; i < len; i++) out[pos + i] = value.charCodeAt(i);
      } else {
        out.write(value, pos, len, 'utf8');
      }
    } else {
      out.set(value, pos);
    }
    pos += len;
    out[pos++] = 13;
    out[pos++] = 10;
  }
  return pos;
}

function clearScratch(count: number): void {
  // Drop references to the caller's Buffers so they can be collected.
  for (let i = 0; i < count; i++) scratchValues[i] = undefined;
  if (scratchValues.length > 4096) scratchValues = [];
}

/** Encodes one command (`['SET', 'key', 'value']`) as a RESP array of bulk strings. */
export function encodeCommand(args: readonly RedisArg[]): Buffer {
  checkCommand(args, 0);
  ensureScratch(args.length);
  let size: number;
  try {
    size = headerSize(args.length) + measure(args, 0);
  } catch (err) {
    clearScratch(args.length);
    throw err;
  }
  const out = Buffer.allocUnsafe(size);
  writeCommand(out, 0, 0, args.length);
  clearScratch(args.length);
  return out;
}

/** Encodes a batch of commands into one Buffer (one socket write for a pipeline). */
export function encodeCommands(batch: readonly (readonly RedisArg[])[]): Buffer {
  let argCount = 0;
  for (let c = 0; c < batch.length; c++) argCount += checkCommand(batch[c], c).length;
  ensureScratch(argCount);
  let size = 0;
  try {
    let slot = 0;
    for (let c = 0; c < batch.length; c++) {
      const args = batch[c];
      size += headerSize(args.length) + measure(args, slot);
      slot += args.length;
    }
  } catch (err) {
    clearScratch(argCount);
    throw err;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  let slot = 0;
  for (let c = 0; c < batch.length; c++) {
    const count = batch[c].length;
    pos = writeCommand(out, pos, slot, count);
    slot += count;
  }
  clearScratch(argCount);
  return out;
}
