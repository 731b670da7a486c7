import { unexpectedByte } from './protocol-error-at.js';
import { CR, LF } from './resp-type-bytes.js';

/* Checks of the CRLF ending a RESP line, for RespDecoder. `base`: stream offset of byte 0 of `buf` (for errors). */

/** Throws unless `buf` holds CR LF at `pos`. */
export function expectCrlf(buf: Buffer, pos: number, base: number): void {
  if (buf[pos] !== CR) throw unexpectedByte(buf, pos, base, 'CR');
  if (buf[pos + 1] !== LF) throw unexpectedByte(buf, pos + 1, base, 'LF');
}

/** Validates the bytes of a CRLF at `pos` that may be cut by the end of input at `end`. */
export function checkPartialCrlf(buf: Buffer, pos: number, end: number, base: number): void {
  if (pos < end && buf[pos] !== CR) throw unexpectedByte(buf, pos, base, 'CR');
  if (pos + 1 < end && buf[pos + 1] !== LF) throw unexpectedByte(buf, pos + 1, base, 'LF');
}
