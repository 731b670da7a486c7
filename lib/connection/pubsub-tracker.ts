import type { RespValue } from '../protocol/resp-value.js';
import {
  KIND_PSUBSCRIBE,
  KIND_PUNSUBSCRIBE,
  KIND_SSUBSCRIBE,
  KIND_SUBSCRIBE,
  KIND_SUNSUBSCRIBE,
  KIND_UNSUBSCRIBE,
} from './pending-command.js';

/** Kinds of pub/sub frames: confirmations map to the command kind that causes them, messages to 0. */
const FRAME_KINDS: Record<string, number> = {
  subscribe: KIND_SUBSCRIBE,
  psubscribe: KIND_PSUBSCRIBE,
  ssubscribe: KIND_SSUBSCRIBE,
  unsubscribe: KIND_UNSUBSCRIBE,
  punsubscribe: KIND_PUNSUBSCRIBE,
  sunsubscribe: KIND_SUNSUBSCRIBE,
  message: 0,
  pmessage: 0,
  smessage: 0,
};

/** The pub/sub kind of a frame (`['subscribe', 'ch', 1]`, `['message', 'ch', 'hi']`), or undefined. */
export function pubSubFrameKind(frame: readonly RespValue[]): number | undefined {
  const head = frame[0];
  const text = typeof head === 'string' ? head : Buffer.isBuffer(head) ? head.toString('latin1') : undefined;
  if (text === undefined || text.length > 12) return undefined;
  return FRAME_KINDS[text.toLowerCase()];
}

function key(value: RespValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return undefined;
}

/**
 * Which channels, patterns and shard channels this socket is subscribed to, as confirmed by the server. Counting
 * from our own sets (not the server's count field) keeps shard channels and argless unsubscribes exact.
 */
export class PubSubTracker {
  readonly #families = [new Set<string>(), new Set<string>(), new Set<string>()];

  get total(): number {
    return this.#families[0].size + this.#families[1].size + this.#families[2].size;
  }

  /** 0 channels, 1 patterns, 2 shard channels. */
  static family(kind: number): number {
    return (kind - KIND_SUBSCRIBE) % 3;
  }

  size(kind: number): number {
    return this.#families[PubSubTracker.family(kind)].size;
  }

  /** Applies a confirmation frame of `kind` (a command kind). */
  apply(kind: number, frame: readonly RespValue[]): void {
    const set = this.#families[PubSubTracker.family(kind)];
    const channel = key(frame[1]);
    if (channel === undefined) return;
    if (kind <= KIND_SSUBSCRIBE) set.add(channel);
    else set.delete(channel);
  }

  clear(): void {
    for (const set of this.#families) set.clear();
  }
}
