import { CommandQueue } from './command-queue.js';

/**
 * The FIFO of written commands, kept as the batches they were written in: a write appends its whole batch in O(1)
 * instead of copying each command into a ring (which, the ring being long-lived, also cost a GC write barrier per
 * command). Replies consume it one command at a time. A batch array handed to `pushBatch` belongs to the queue.
 */
export class InFlightQueue<T> {
  readonly #batches = new CommandQueue<(T | undefined)[]>();
  /** The oldest batch (the ring's head), cached for the per-reply peek/shift. */
  #head: (T | undefined)[] | undefined;
  #index = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  pushBatch(items: T[]): void {
    if (items.length === 0) return;
    this.#batches.push(items);
    if (this.#head === undefined) this.#head = items;
    this.#length += items.length;
  }

  peek(): T | undefined {
    return this.#head === undefined ? undefined : this.#head[this.#index];
  }

  shift(): T | undefined {
    const head = this.#head;
    if (head === undefined) return undefined;
    const item = head[this.#index];
    // Release it now: the rest of its batch may wait a long time (a blocking command behind it).
    head[this.#index] = undefined;
    this.#length--;
    if (++this.#index === head.length) {
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
    return out;
  }
}
