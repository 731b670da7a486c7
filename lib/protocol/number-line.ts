import { unexpectedByte, protocolErrorAt } from './protocol-error-at.js';
import { CR, LF } from './resp-type-bytes.js';

/*
 * The rarer number lines of RESP, for RespDecoder: RESP3 doubles (`,`) and big numbers (`(`), and integers beyond
 * 2^53. `base` is the stream offset of byte 0 of `buf` (for error messages).
 */

/** Longest double / big-number line accepted, in bytes. */
const MAX_NUMBER_LINE = 4096;

/** Finds the CR of a double/big-number line starting at `pos`, validating its bytes; -1 when the input ends first. */
export function scanNumberLine(buf: Buffer, pos: number, end: number, double: boolean, base: number): number {
  const first = pos;
  for (; pos < end; pos++) {
    const c = buf[pos];
    if (c === CR) {
      if (pos === first) throw unexpectedByte(buf, pos, base, 'a number');
      if (pos + 1 >= end) return -1;
      if (buf[pos + 1] !== LF) throw unexpectedByte(buf, pos + 1, base, 'LF');
      return pos;
    }
    const ok = double ? isDoubleByte(c) : (c >= 48 && c <= 57) || (pos === first && (c === 45 || c === 43));
    if (!ok) throw unexpectedByte(buf, pos, base, double ? 'a double' : 'a digit in a big number');
    if (pos - first > MAX_NUMBER_LINE) throw unexpectedByte(buf, pos, base, 'CR (number too long)');
  }
  return -1;
}

function isDoubleByte(c: number): boolean {
  // digits . + - e E, and the letters of inf / nan (any case)
  return (c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69 ||
    c === 105 || c === 73 || c === 110 || c === 78 || c === 102 || c === 70 || c === 97 || c === 65;
}

/** The double of a line scanned by scanNumberLine (`start`..`end`: its text without CRLF). */
export function parseDouble(buf: Buffer, start: number, end: number, base: number): number {
  const text = buf.toString('latin1', start, end);
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan' || lower === '-nan' || lower === '+nan') return NaN;
  // Number() accepts 'Infinity' and hex; the byte check already excluded x and y, so NaN here means malformed.
  const value = Number(text);
  if (Number.isNaN(value)) throw protocolErrorAt(`malformed double '${text}'`, base + start);
  return value;
}

/** The big number of a line scanned by scanNumberLine (`start`..`end`: its text without CRLF). */
export function parseBigNumber(buf: Buffer, start: number, end: number, base: number): bigint {
  const text = buf.toString('latin1', start, end);
  if (end - start === 1 && (text === '-' || text === '+')) throw protocolErrorAt(`malformed big number '${text}'`, base + start);
  return BigInt(text);
}

/** The exact value of an integer too large for a double: digits `first`..`end`, negated if `negative`. */
export function exactInteger(buf: Buffer, first: number, end: number, negative: boolean): bigint {
  const exact = BigInt(buf.toString('latin1', first, end));
  return negative ? -exact : exact;
}
