import { protocolErrorAt } from './protocol-error-at.js';
import { CR } from './resp-type-bytes.js';

/*
 * The bytes of the one item cut by the end of a chunk, for RespDecoder. Later chunks' pieces are appended without
 * copying until the item is complete, then joined once, so each byte is copied O(1) times however small the chunks.
 * (Completing the item, which parses it, stays in the decoder: a parse callback here would be a closure per
 * decoder, the kind of per-connection call target V8 kept deoptimising, see command-pipeline.ts.)
 */

export class PendingItem {
  #pieces: Buffer[] = [];
  #size = 0;
  #need = -1;
  #base = 0;

  /** Bytes held so far; 0 when no item is pending. */
  get size(): number {
    return this.#size;
  }

  /** Total bytes the item needs when known (a bulk string with its header), else -1: up to the next LF. */
  get need(): number {
    return this.#need;
  }

  /** Stream offset of the first held byte. */
  get base(): number {
    return this.#base;
  }

  /** The item's type byte. */
  get type(): number {
    return this.#pieces[0][0];
  }

  /** Starts holding the cut item `piece`, which begins at stream offset `base`. */
  hold(piece: Buffer, need: number, base: number): void {
    this.#pieces = [piece];
    this.#size = piece.length;
    this.#need = need;
    this.#base = base;
  }

  /** Adds a further piece; a line (need -1) longer than `maxLength` (plus slack for its CRLF) is refused. */
  add(piece: Buffer, maxLength: number): void {
    this.#pieces.push(piece);
    this.#size += piece.length;
    if (this.#need < 0 && this.#size > maxLength + 64) {
      throw protocolErrorAt(`a line of more than ${maxLength} bytes without CRLF`, this.#base);
    }
  }

  endsWithCr(): boolean {
    const last = this.#pieces[this.#pieces.length - 1];
    return last !== undefined && last[last.length - 1] === CR;
  }

  /** The held pieces and `tail` joined into a new buffer; then holds nothing (`base` stays that of the item). */
  join(tail: Buffer): Buffer {
    const pieces = this.#pieces;
    pieces.push(tail);
    const joined = Buffer.concat(pieces, this.#size + tail.length);
    this.clear();
    return joined;
  }

  clear(): void {
    this.#pieces = [];
    this.#size = 0;
    this.#need = -1;
  }
}
