import { ProtocolError } from '../errors/index.js';

/* The ProtocolErrors of RespDecoder: what was wrong, and where in the byte stream. */

/** A ProtocolError for `what` found at stream offset `offset`. */
export function protocolErrorAt(what: string, offset: number): ProtocolError {
  return new ProtocolError(
    `Protocol error: ${what} at stream offset ${offset}. The server sent bytes that are not valid RESP; ` +
      'the connection will be closed (replies can no longer be matched to commands).',
  );
}

/** A ProtocolError for the byte at `buf[pos]` (stream offset `base + pos`), which is not the `expected` one. */
export function unexpectedByte(buf: Buffer, pos: number, base: number, expected: string): ProtocolError {
  return protocolErrorAt(`unexpected ${describeByte(buf[pos])}, expected ${expected},`, base + pos);
}

function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'end of input';
  const hex = `0x${byte.toString(16).padStart(2, '0')}`;
  return byte >= 32 && byte < 127 ? `${hex} ('${String.fromCharCode(byte)}')` : hex;
}
