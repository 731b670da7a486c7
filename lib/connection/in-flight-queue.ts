import { CommandQueue } from './command-queue.js';

/** One write: its commands, its size in bytes and when it was written. */
interface WrittenBatch<T> {
  readonly items: (T | undefined)[];
  readonly bytes: number;
  readonly at: number;
}

/**
 * The FIFO of written commands, kept as the batches they were written in: a write appends its whole batch in O(1)
 * instead of copying each command into a ring (which, the ring being long-lived, also cost a GC write barrier per
 * command). Replies consume it one command at a time. A batch array handed to `pushBatch` belongs to the queue.
 * Each batch remembers its size and write time: the bytes written but not yet answered bound the next writes, and
 * the oldest write's time tells a stalled socket from a slow one.
 */
export class InFlightQueue<T> {
  readonly #batches = new CommandQueue<WrittenBatch<T>>();
  /** The oldest batch (the ring's head), cached for the per-reply peek/shift. */
  #head: WrittenBatch<T> | undefined;
  #index = 0;
  #length = 0;
  #bytes = 0;

  get length(): number {
    return this.#length;
  }

  /** Bytes of the writes not fully answered yet. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Date.now() of the oldest write still awaiting a reply; 0 when none. */
  get oldestWriteAt(): number {
    return this.#head === undefined ? 0 : this.#head.at;
  }

  pushBatch(items: T[], bytes: number, at: number): void {
    if (items.length === 0) return;
    const batch: WrittenBatch<T> = { items, bytes, at };
    this.#batches.push(batch);
    if (this.#head === undefined) this.#head = batch;
    this.#length += items.length;
    this.#bytes += bytes;
  }

  peek(): T | undefined {
    return this.#head === undefined ? undefined : this.#head.items[this.#index];
  }

  shift(): T | undefined {
    const head = this.#head;
    if (head === undefined) return undefined;
    const items = head.items;
    const item = items[this.#index];
    // Release it now: the rest of its batch may wait a long time (a blocking command behind it).
    items[this.#index] = undefined;
    this.#length--;
    if (++this.#index === items.length) {
      this.#bytes -= head.bytes;
      this.#batches.shift();
      this.#head = this.#batches.peek();
      this.#index = 0;
    }
    return item;
  }

  /** Empties the queue and returns its items in order. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#head !== undefined) out.push(this.shift() as T);
    this.#bytes = 0;
    return out;
  }
}
