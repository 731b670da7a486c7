import { constants as bufferConstants, isAscii } from 'node:buffer';
import { ProtocolError, RedisError, parseServerError } from '../errors/index.js';
import { AggregateFrame } from './aggregate-frame.js';
import { checkPartialCrlf, expectCrlf } from './expect-crlf.js';
import { mapKey } from './map-key.js';
import { exactInteger, parseBigNumber, parseDouble, scanNumberLine } from './number-line.js';
import { PendingItem } from './pending-item.js';
import { badLength, protocolErrorAt, unexpectedByte, unknownTypeByte } from './protocol-error-at.js';
import * as limits from './resp-decoder-limits.js';
import * as typeBytes from './resp-type-bytes.js';
import {
  DEFAULT_MAX_BULK_LENGTH,
  type DecoderHandlers,
  type DecoderOptions,
  type RespMap,
  type RespValue,
} from './resp-value.js';
import * as slicers from './utf8-slice.js';

export { MAX_NESTING_DEPTH } from './resp-decoder-limits.js';

// Module-local copies of what the hot paths read: V8 folds a module's own consts into optimised code, but not
// imported bindings (importing these directly measured 3-7% slower on the bench's decoder workload).
const {
  CR, LF, T_ARRAY, T_ATTRIBUTE, T_BIG_NUMBER, T_BOOLEAN, T_BULK, T_BULK_ERROR, T_DOUBLE, T_ERROR, T_INTEGER, T_MAP,
  T_NULL, T_PUSH, T_SET, T_SIMPLE, T_VERBATIM,
} = typeBytes;
const { MAX_INTEGER_DIGITS, MAX_NESTING_DEPTH, RECENT_STRINGS, SHORT_STRING, WINDOW_BYTES, WINDOW_STRING } = limits;
const { latin1Slice, utf8Slice } = slicers;

/*
 * Incremental RESP2/RESP3 decoder.
 *
 * Aggregates live on an explicit stack of reusable frames, so nesting never recurses and a partly received array
 * keeps the elements already decoded. When a chunk ends inside a scalar (or an aggregate header), only that item's
 * bytes are kept (a PendingItem): later chunks are appended to it without copying until the item is complete
 * (the first LF for a line, the declared length for a bulk string), then the pieces are joined once. Each byte is
 * therefore scanned and copied O(1) times, however small the chunks are. Cold parts live in files of their own:
 * errors (protocol-error-at.ts), doubles and big numbers (number-line.ts), limits (resp-decoder-limits.ts).
 *
 * Frames where RESP3 does not allow them are ProtocolErrors, never guessed around: a push (`>`) anywhere but the
 * top level (inside an array, map, set, attribute or another push), and an attribute followed by a push (an
 * attribute describes the reply part after it; a push is no part of any reply). Taking such a push as an element
 * would leave the aggregate's real last element over as a reply of its own, and every later reply would reach
 * the caller after the one it belongs to. Streamed strings/aggregates (`?` lengths, `;` chunks, `.` end markers),
 * which Redis sends only to replicas, are refused too.
 */

export class RespDecoder {
  readonly #handlers: DecoderHandlers;
  readonly #maxLength: number;
  readonly #pushBuffers: boolean;

  readonly #stack: AggregateFrame[] = [];
  #depth = 0;
  /** Whether bulk strings of the current top-level frame decode to Buffers. */
  #buffers = false;
  /** wantBuffers() has been asked for the current top-level frame. */
  #frameStarted = false;
  /** A top-level attribute was decoded and the frame it describes has not started yet. */
  #afterAttribute = false;
  /** Set by the number readers: position after the parsed line, or -1 when the input ended first. */
  #cursor = 0;
  /** Stream offset of byte 0 of the buffer being parsed (for error messages). */
  #base = 0;
  /** Bytes of all chunks fed before the current one. */
  #fed = 0;
  /** The buffer being parsed is our own copy (joined pending bytes), so Buffers may be sliced from it. */
  #owned = false;

  /** An item cut by the end of a chunk. */
  readonly #pending = new PendingItem();

  #failed: ProtocolError | null = null;

  // The window of short strings (see WINDOW_STRING): valid for one #parse call over one buffer.
  #winBuf: Buffer | null = null;
  #winStart = 0;
  #winEnd = 0;
  /** Whether bytes #winStart..#winEnd are all ASCII. */
  #winAscii = false;
  /** Their text, decoded when the first short string needs it. */
  #winText: string | null = null;
  /** Short strings decoded recently, by a hash of their bytes (compared byte by byte before reuse). */
  readonly #recent: (string | undefined)[] = new Array<string | undefined>(RECENT_STRINGS).fill(undefined);

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    this.#handlers = handlers;
    const max = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw new RangeError(`maxBulkLength must be a non-negative integer, got ${String(max)}`);
    }
    this.#maxLength = max;
    this.#pushBuffers = options.pushBuffers ?? false;
  }

  /** Forget everything buffered and any earlier error, e.g. for a new socket. */
  reset(): void {
    for (let i = 0; i < this.#depth; i++) this.#clearFrame(this.#stack[i]);
    this.#depth = 0;
    this.#buffers = false;
    this.#frameStarted = false;
    this.#afterAttribute = false;
    this.#fed = 0;
    this.#owned = false;
    this.#pending.clear();
    this.#failed = null;
  }

  /**
   * Decode a chunk of the byte stream; calls the handlers for every frame it completes. Throws only ProtocolError,
   * after which the decoder refuses input until reset(). An exception thrown by a handler propagates and also
   * leaves the decoder unusable (the rest of that chunk was not decoded).
   */
  feed(chunk: Buffer): void {
    if (this.#failed !== null) {
      throw new ProtocolError(
        `The RESP decoder already failed (${this.#failed.message}); it must be reset with a new connection.`,
      );
    }
    try {
      let off = 0;
      if (this.#pending.size > 0) {
        off = this.#resume(chunk);
        if (off < 0) {
          this.#fed += chunk.length;
          return;
        }
      }
      this.#owned = false;
      this.#base = this.#fed;
      this.#parse(chunk, off);
      this.#fed += chunk.length;
    } catch (err) {
      this.#failed = err instanceof ProtocolError ? err : new ProtocolError('A reply handler threw', { cause: err });
      throw err;
    } finally {
      // Do not keep the chunk alive between feeds.
      this.#winBuf = null;
      this.#winText = null;
    }
  }

  /** Completes the pending item with the start of `chunk`. Returns the offset to continue at, or -1 if it needs more. */
  #resume(chunk: Buffer): number {
    const pending = this.#pending;
    let off = 0;
    // Each turn either consumes bytes of `chunk` or returns, so this ends.
    while (pending.size > 0) {
      if (off >= chunk.length) return -1;
      if (pending.need < 0) {
        // The pending bytes hold no LF (the item was cut before the LF ending its line): the first LF ends it.
        // After a pending CR only LF may follow: parse with the next byte so a wrong one fails now, not at some later LF.
        const lf = pending.endsWithCr() ? off : chunk.indexOf(LF, off);
        if (lf === -1) {
          const rest = off === 0 ? chunk : chunk.subarray(off);
          if (pending.type === T_SIMPLE || pending.type === T_ERROR) {
            pending.add(rest, this.#maxLength);
          } else {
            // Number and header lines are short (their parsers reject long ones): re-parse them now, so a bad
            // byte fails as soon as it arrives, exactly as when the line comes in one piece.
            this.#parse(this.#joinPending(rest), 0);
          }
          return -1;
        }
        const joined = this.#joinPending(chunk.subarray(off, lf + 1));
        off = lf + 1;
        // Completes the item, or (a bulk string whose header just completed) suspends it with a known size.
        this.#parse(joined, 0);
      } else {
        const missing = pending.need - pending.size;
        if (chunk.length - off < missing) {
          pending.add(off === 0 ? chunk : chunk.subarray(off), this.#maxLength);
          return -1;
        }
        const joined = this.#joinPending(chunk.subarray(off, off + missing));
        off += missing;
        this.#parse(joined, 0);
      }
    }
    return off;
  }

  /** Joins the pending pieces and `tail` into our own buffer and prepares to parse it at stream offset of piece 0. */
  #joinPending(tail: Buffer): Buffer {
    this.#base = this.#pending.base;
    this.#owned = true;
    return this.#pending.join(tail);
  }

  /** Remembers the cut item starting at `start` (need: its total size if known, else -1). */
  #suspend(buf: Buffer, start: number, need: number): void {
    this.#pending.hold(buf.subarray(start), need, this.#base + start);
  }

  /** Parses items from `buf` at `off` to the end; a cut item is suspended as pending. */
  #parse(buf: Buffer, off: number): void {
    const end = buf.length;
    // The same Buffer object may come back with other bytes (a caller reusing it): never trust an older window.
    this.#winBuf = null;
    this.#winText = null;
    while (off < end) {
      const start = off;
      const type = buf[off];
      if (this.#depth === 0 && !this.#frameStarted) {
        if (type === T_PUSH) {
          if (this.#afterAttribute) {
            throw protocolErrorAt('a push frame right after an attribute (which must precede the reply it describes)', this.#base + off);
          }
          this.#buffers = this.#pushBuffers;
          this.#frameStarted = true;
        } else if (type === T_ATTRIBUTE) {
          // Attribute contents are metadata: strings. The reply after it asks wantBuffers().
          this.#buffers = false;
        } else {
          const want = this.#handlers.wantBuffers;
          this.#buffers = want === undefined ? false : want.call(this.#handlers) === true;
          this.#frameStarted = true;
          this.#afterAttribute = false;
        }
      }
      let value: RespValue;
      switch (type) {
        case T_BULK:
        case T_VERBATIM:
        case T_BULK_ERROR: {
          const len = this.#readLength(buf, off + 1, end);
          if (this.#cursor < 0) {
            this.#suspend(buf, start, -1);
            return;
          }
          if (len === -1) {
            if (type !== T_BULK) throw unexpectedByte(buf, off + 1, this.#base, 'a length of at least 0');
            value = null;
            off = this.#cursor;
            break;
          }
          const bodyStart = this.#cursor;
          const bodyEnd = bodyStart + len;
          if (bodyEnd + 2 > end) {
            this.#suspend(buf, start, bodyEnd + 2 - start);
            return;
          }
          if (buf[bodyEnd] !== CR) throw unexpectedByte(buf, bodyEnd, this.#base, `CR after a ${len}-byte bulk string`);
          if (buf[bodyEnd + 1] !== LF) throw unexpectedByte(buf, bodyEnd + 1, this.#base, 'LF');
          off = bodyEnd + 2;
          if (type === T_BULK) {
            value = this.#bulk(buf, bodyStart, bodyEnd);
          } else if (type === T_VERBATIM) {
            // `=<len>\r\ntxt:<text>\r\n`: three format bytes and a colon precede the text.
            if (len < 4 || buf[bodyStart + 3] !== 58) {
              throw unexpectedByte(buf, bodyStart + Math.min(len, 3), this.#base, "a verbatim string format like 'txt:'");
            }
            value = this.#bulk(buf, bodyStart + 4, bodyEnd);
          } else {
            value = parseServerError(this.#text(buf, bodyStart, bodyEnd));
          }
          break;
        }
        case T_SIMPLE:
        case T_ERROR: {
          // Short lines (OK, QUEUED, PONG) are scanned inline; longer ones with the native indexOf.
          let lf = -1;
          const scanEnd = off + 24 < end ? off + 24 : end;
          for (let i = off + 1; i < scanEnd; i++) {
            if (buf[i] === LF) {
              lf = i;
              break;
            }
          }
          if (lf === -1 && scanEnd < end) lf = buf.indexOf(LF, scanEnd);
          if (lf === -1) {
            this.#suspend(buf, start, -1);
            return;
          }
          if (buf[lf - 1] !== CR || lf - 1 <= off) throw unexpectedByte(buf, lf, this.#base, 'CR before LF');
          const text = this.#text(buf, off + 1, lf - 1);
          off = lf + 1;
          value = type === T_SIMPLE ? text : parseServerError(text);
          break;
        }
        case T_INTEGER: {
          value = this.#readInteger(buf, off + 1, end);
          if (this.#cursor < 0) {
            this.#suspend(buf, start, -1);
            return;
          }
          off = this.#cursor;
          break;
        }
        case T_NULL: {
          if (off + 2 >= end) {
            checkPartialCrlf(buf, off + 1, end, this.#base);
            this.#suspend(buf, start, -1);
            return;
          }
          expectCrlf(buf, off + 1, this.#base);
          value = null;
          off += 3;
          break;
        }
        case T_BOOLEAN: {
          if (off + 3 >= end) {
            if (off + 1 < end) this.#checkBoolean(buf, off + 1);
            checkPartialCrlf(buf, off + 2, end, this.#base);
            this.#suspend(buf, start, -1);
            return;
          }
          value = this.#checkBoolean(buf, off + 1);
          expectCrlf(buf, off + 2, this.#base);
          off += 4;
          break;
        }
        case T_DOUBLE:
        case T_BIG_NUMBER: {
          const lineEnd = scanNumberLine(buf, off + 1, end, type === T_DOUBLE, this.#base);
          if (lineEnd < 0) {
            this.#suspend(buf, start, -1);
            return;
          }
          const base = this.#base;
          value = type === T_DOUBLE ? parseDouble(buf, off + 1, lineEnd, base) : parseBigNumber(buf, off + 1, lineEnd, base);
          off = lineEnd + 2;
          break;
        }
        case T_ARRAY:
        case T_SET:
        case T_PUSH:
        case T_MAP:
        case T_ATTRIBUTE: {
          if (type === T_PUSH && this.#depth !== 0) {
            throw protocolErrorAt('a push frame inside an aggregate (RESP3 sends pushes only at the top level)', this.#base + off);
          }
          const count = this.#readLength(buf, off + 1, end);
          if (this.#cursor < 0) {
            this.#suspend(buf, start, -1);
            return;
          }
          off = this.#cursor;
          if (count === -1) {
            if (type !== T_ARRAY) throw unexpectedByte(buf, start + 1, this.#base, 'a count of at least 0');
            value = null;
            break;
          }
          if (count > 0) {
            this.#open(type, count, start);
            continue;
          }
          if (type === T_MAP) value = Object.create(null) as RespMap;
          else if (type === T_ATTRIBUTE) {
            if (this.#depth === 0) this.#afterAttribute = true;
            this.#handlers.onAttribute?.(Object.create(null) as RespMap);
            continue;
          } else if (type === T_PUSH) {
            this.#frameStarted = false;
            this.#handlers.onPush([]);
            continue;
          } else value = [];
          break;
        }
        default:
          throw unknownTypeByte(buf, off, this.#base);
      }
      // Fast path for a top-level scalar (the common case: one reply per command).
      if (this.#depth === 0) this.#dispatch(value);
      else this.#add(value);
    }
  }

  /** Pushes a frame for an aggregate of `count` elements (pairs for maps and attributes). */
  #open(kind: number, count: number, start: number): void {
    if (this.#depth >= MAX_NESTING_DEPTH) {
      throw protocolErrorAt(`aggregates nested deeper than ${MAX_NESTING_DEPTH} levels`, this.#base + start);
    }
    let frame = this.#stack[this.#depth];
    if (frame === undefined) {
      frame = new AggregateFrame();
      this.#stack.push(frame);
    }
    this.#depth++;
    frame.kind = kind;
    frame.index = 0;
    frame.key = null;
    if (kind === T_MAP || kind === T_ATTRIBUTE) {
      frame.map = Object.create(null) as RespMap;
      frame.remaining = count * 2;
    } else {
      // Preallocate only modest sizes: the count comes from the wire and a huge one must not reserve memory up front.
      frame.items = count <= 1024 ? new Array<RespValue>(count) : [];
      frame.remaining = count;
    }
  }

  #clearFrame(frame: AggregateFrame): void {
    frame.items = null;
    frame.map = null;
    frame.key = null;
  }

  /** Adds a completed value to the innermost open aggregate, closing aggregates that become complete. */
  #add(value: RespValue): void {
    let v = value;
    while (this.#depth > 0) {
      const frame = this.#stack[this.#depth - 1];
      if (frame.map !== null) {
        if (frame.key === null) frame.key = mapKey(v);
        else {
          frame.map[frame.key] = v;
          frame.key = null;
        }
      } else {
        (frame.items as RespValue[])[frame.index++] = v;
      }
      if (--frame.remaining > 0) return;
      this.#depth--;
      const kind = frame.kind;
      const done: RespValue = frame.map !== null ? frame.map : (frame.items as RespValue[]);
      this.#clearFrame(frame);
      if (kind === T_ATTRIBUTE) {
        // Not an element: the value after it is. At top level, the next frame is the reply.
        if (this.#depth === 0) this.#afterAttribute = true;
        this.#handlers.onAttribute?.(done as RespMap);
        return;
      }
      // Pushes open only at the top level, so this one is a whole frame.
      if (kind === T_PUSH) {
        this.#frameStarted = false;
        this.#handlers.onPush(done as RespValue[]);
        return;
      }
      v = done;
    }
    this.#dispatch(v);
  }

  #dispatch(value: RespValue): void {
    this.#frameStarted = false;
    if (typeof value === 'object' && value instanceof RedisError) this.#handlers.onErrorReply(value);
    else this.#handlers.onReply(value);
  }

  #bulk(buf: Buffer, start: number, end: number): string | Buffer {
    if (this.#buffers) {
      // Our own joined buffer can be shared; a socket chunk is copied so the reply does not pin the whole chunk.
      if (this.#owned) return buf.subarray(start, end);
      const out = Buffer.allocUnsafe(end - start);
      buf.copy(out, 0, start, end);
      return out;
    }
    return this.#text(buf, start, end);
  }

  #text(buf: Buffer, start: number, end: number): string {
    if (end - start > bufferConstants.MAX_STRING_LENGTH) {
      throw protocolErrorAt(
        `a ${end - start}-byte string, longer than the largest JavaScript string (ask for Buffer replies)`,
        this.#base + start,
      );
    }
    const len = end - start;
    if (len < WINDOW_STRING && this.#depth > 0) return this.#windowText(buf, start, end);
    if (len <= SHORT_STRING) {
      // Building short ASCII strings in JS skips the native call, which dominates tiny replies.
      let text = '';
      for (let i = start; i < end; i++) {
        const c = buf[i];
        if (c > 127) return utf8Slice(buf, start, end);
        text += String.fromCharCode(c);
      }
      return text;
    }
    return utf8Slice(buf, start, end);
  }

  /**
   * A short string inside an aggregate, cut from one decoded text of the bytes around it (the window) when those
   * are all ASCII; else decoded on its own. (Also tried: latin1 for longer strings of an ASCII window; no gain.)
   */
  #windowText(buf: Buffer, start: number, end: number): string {
    if (buf !== this.#winBuf || start < this.#winStart || end > this.#winEnd) {
      const winEnd = start + WINDOW_BYTES < buf.length ? start + WINDOW_BYTES : buf.length;
      this.#winBuf = buf;
      this.#winStart = start;
      this.#winEnd = winEnd;
      this.#winAscii = isAscii(buf.subarray(start, winEnd));
      this.#winText = null;
    }
    if (!this.#winAscii) return utf8Slice(buf, start, end);
    // Recently seen short strings (hash fields, config names, repeated small values) are reused as they are: no
    // new string, and as object keys they are already interned (interning a fresh key costs more than decoding it).
    const len = end - start;
    let h = len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    const slot = (h >>> 0) & (RECENT_STRINGS - 1);
    const recent = this.#recent[slot];
    if (recent !== undefined && recent.length === len) {
      let i = 0;
      while (i < len && recent.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return recent;
    }
    let text = this.#winText;
    if (text === null) text = this.#winText = latin1Slice(buf, this.#winStart, this.#winEnd);
    const fresh = text.substring(start - this.#winStart, end - this.#winStart);
    this.#recent[slot] = fresh;
    return fresh;
  }

  /**
   * Reads `-1` or a non-negative decimal up to `maxBulkLength`, then CRLF. Sets #cursor after the LF, or to -1 when
   * the input ends first.
   */
  #readLength(buf: Buffer, pos: number, end: number): number {
    if (pos < end && buf[pos] === 45) {
      // Only -1 (null) is a valid negative length.
      if (pos + 1 < end && buf[pos + 1] !== 49) throw unexpectedByte(buf, pos + 1, this.#base, "'1' (the only negative length is -1)");
      if (pos + 3 >= end) {
        checkPartialCrlf(buf, pos + 2, end, this.#base);
        this.#cursor = -1;
        return 0;
      }
      expectCrlf(buf, pos + 2, this.#base);
      this.#cursor = pos + 4;
      return -1;
    }
    const first = pos;
    let n = 0;
    while (pos < end) {
      const c = buf[pos];
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
        if (n > this.#maxLength || pos - first >= MAX_INTEGER_DIGITS) {
          throw protocolErrorAt(
            `a declared length above the limit of ${this.#maxLength} (maxBulkLength)`,
            this.#base + first,
          );
        }
        pos++;
        continue;
      }
      if (c === CR && pos > first) {
        if (pos + 1 >= end) break;
        if (buf[pos + 1] !== LF) throw unexpectedByte(buf, pos + 1, this.#base, 'LF');
        this.#cursor = pos + 2;
        return n;
      }
      throw badLength(buf, pos, first, this.#base);
    }
    this.#cursor = -1;
    return 0;
  }

  /** Reads a signed 64-bit integer line. Beyond 2^53 the value is an exact bigint. */
  #readInteger(buf: Buffer, pos: number, end: number): number | bigint {
    const lineStart = pos;
    if (pos < end && (buf[pos] === 45 || buf[pos] === 43)) pos++;
    const first = pos;
    let n = 0;
    while (pos < end) {
      const c = buf[pos];
      if (c >= 48 && c <= 57) {
        if (pos - first >= MAX_INTEGER_DIGITS) throw unexpectedByte(buf, pos, this.#base, 'CR after at most 19 digits');
        n = n * 10 + (c - 48);
        pos++;
        continue;
      }
      if (c === CR && pos > first) {
        if (pos + 1 >= end) break;
        if (buf[pos + 1] !== LF) throw unexpectedByte(buf, pos + 1, this.#base, 'LF');
        this.#cursor = pos + 2;
        const negative = buf[lineStart] === 45;
        if (n <= Number.MAX_SAFE_INTEGER) return negative ? -n : n;
        return exactInteger(buf, first, pos, negative);
      }
      throw unexpectedByte(buf, pos, this.#base, 'a digit in an integer');
    }
    this.#cursor = -1;
    return 0;
  }

  #checkBoolean(buf: Buffer, pos: number): boolean {
    const c = buf[pos];
    if (c === 116) return true; // t
    if (c === 102) return false; // f
    throw unexpectedByte(buf, pos, this.#base, "'t' or 'f'");
  }
}
