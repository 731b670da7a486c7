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

/** The ProtocolError for `buf[pos]` where a type byte should be, naming RESP3 streaming markers we do not accept. */
export function unknownTypeByte(buf: Buffer, pos: number, base: number): ProtocolError {
  const c = buf[pos];
  if (c === 46) return protocolErrorAt("a streamed-aggregate end marker ('.') where no streamed aggregate is open", base + pos);
  if (c === 59) return protocolErrorAt("a streamed-string chunk (';') outside a streamed string", base + pos);
  return unexpectedByte(buf, pos, base, 'a RESP type byte (one of +-:$*_#,(!=%~|>)');
}

/** The ProtocolError for a byte that cannot be part of a length (at `pos`; the length's digits start at `first`). */
export function badLength(buf: Buffer, pos: number, first: number, base: number): ProtocolError {
  if (buf[pos] === 63 && pos === first) {
    // `$?`, `*?`, ...: RESP3 streamed strings and aggregates. Redis sends them only on its replication link.
    return protocolErrorAt("a streamed ('?') length: streamed strings and aggregates are not supported", base + pos);
  }
  return unexpectedByte(buf, pos, base, 'a digit in a length');
}
