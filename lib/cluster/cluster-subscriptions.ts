import { PubSubManager, unsubscribeOnce, type MessageListener, type Unsubscribe } from '../client/pubsub-manager.js';
import type { ClusterPubSub } from './cluster-pubsub.js';
import type { NodesManager } from './nodes-manager.js';

type AnyListener = MessageListener<string> | MessageListener<Buffer>;
type Family = 'channel' | 'shard';

const names = (channels: string | readonly string[]): string[] => (typeof channels === 'string' ? [channels] : [...channels]);

/**
 * The `RedisApi` pub/sub calls on a cluster: several listeners per channel, lists of channels, an unsubscribe
 * function per subscription. Channels and shard channels run on `ClusterPubSub` (a shard channel follows its
 * slot; a classic channel moves to another node when its connection ends). Patterns run on one primary chosen at
 * the first `psubscribe` (messages are broadcast to every node), resubscribed when that connection reconnects.
 */
export class ClusterSubscriptions {
  readonly #pubsub: () => ClusterPubSub;
  readonly #nodes: NodesManager;
  readonly #onError: (error: Error) => void;
  /** Pattern messages as Buffers (the node pools decode pushes as Buffers: `pushBuffers`), like channel messages. */
  readonly #buffers: boolean;
  readonly #listeners: Record<Family, Map<string, Set<AnyListener>>> = { channel: new Map(), shard: new Map() };
  #patterns: PubSubManager | undefined;
  /** One operation at a time, so a subscribe and an unsubscribe of one channel never interleave. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(pubsub: () => ClusterPubSub, nodes: NodesManager, onError: (error: Error) => void, buffers = false) {
    this.#pubsub = pubsub;
    this.#nodes = nodes;
    this.#onError = onError;
    this.#buffers = buffers;
  }

  subscribe(family: Family, channels: string | readonly string[], listener: AnyListener): Promise<Unsubscribe> {
    const list = names(channels);
    return this.#serial(async () => {
      const map = this.#listeners[family];
      const added: string[] = [];
      try {
        for (const name of list) {
          let set = map.get(name);
          if (set === undefined) {
            const fresh = new Set<AnyListener>();
            await this.#server(family, 'subscribe', name, (message, channel) => this.#dispatch(fresh, message, channel));
            map.set(name, (set = fresh));
          }
          set.add(listener);
          added.push(name);
        }
      } catch (error) {
        await this.#remove(family, added, listener);
        throw error;
      }
      return unsubscribeOnce(() => this.unsubscribe(family, list, listener));
    });
  }

  unsubscribe(family: Family, channels: string | readonly string[] | undefined, listener?: AnyListener): Promise<void> {
    return this.#serial(() => this.#remove(family, channels === undefined ? [...this.#listeners[family].keys()] : names(channels), listener));
  }

  async psubscribe(patterns: string | readonly string[], listener: AnyListener): Promise<Unsubscribe> {
    if (this.#patterns === undefined) {
      if (!this.#nodes.loaded) await this.#nodes.initialize();
      this.#patterns ??= new PubSubManager(this.#nodes.poolFor(this.#nodes.randomPrimary()), { buffers: this.#buffers, onError: this.#onError });
    }
    return this.#patterns.subscribe('pattern', patterns, listener);
  }

  punsubscribe(patterns: string | readonly string[] | undefined, listener?: AnyListener): Promise<void> {
    return this.#patterns === undefined ? Promise.resolve() : this.#patterns.unsubscribe('pattern', patterns, listener);
  }

  /** Forgets every listener (the client closes the connections). */
  close(): void {
    this.#listeners.channel.clear();
    this.#listeners.shard.clear();
    this.#patterns?.close();
    this.#patterns = undefined;
  }

  async #remove(family: Family, list: readonly string[], listener: AnyListener | undefined): Promise<void> {
    const map = this.#listeners[family];
    for (const name of list) {
      const set = map.get(name);
      if (set === undefined) continue;
      if (listener !== undefined) set.delete(listener);
      if (listener !== undefined && set.size > 0) continue;
      map.delete(name);
      await this.#server(family, 'unsubscribe', name);
    }
  }

  #server(family: Family, op: 'subscribe' | 'unsubscribe', name: string, onMessage?: (m: string | Buffer, c: string) => void): Promise<void> {
    const pubsub = this.#pubsub();
    if (op === 'unsubscribe') return family === 'shard' ? pubsub.sunsubscribe(name) : pubsub.unsubscribe(name);
    return family === 'shard' ? pubsub.ssubscribe(name, onMessage!) : pubsub.subscribe(name, onMessage!);
  }

  #dispatch(listeners: ReadonlySet<AnyListener>, message: string | Buffer, channel: string): void {
    for (const listener of listeners) {
      try {
        (listener as (m: string | Buffer, c: string) => void)(message, channel);
      } catch (error) {
        this.#onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(op, op);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
