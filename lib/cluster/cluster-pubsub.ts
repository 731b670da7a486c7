import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { keySlot } from './key-slot.js';
import type { NodesManager } from './nodes-manager.js';

export type MessageListener = (message: string | Buffer, channel: string) => void;

interface Subscription {
  readonly kind: 'shard' | 'classic';
  readonly channel: string;
  readonly listener: MessageListener;
  address: string;
  conn: PoolConnection;
  release: () => void;
}

const text = (v: RespValue | undefined): string => (Buffer.isBuffer(v) ? v.toString() : String(v));

/**
 * Cluster pub/sub: `ssubscribe` on a leased connection of the primary owning the shard channel's slot, moved to
 * the new owner when a slot-table refresh (or the server's `sunsubscribe` push after a migration) says it changed;
 * classic `subscribe` on one node (messages are broadcast cluster-wide).
 */
export class ClusterPubSub {
  readonly #nodes: NodesManager;
  readonly #subs = new Map<string, Subscription>();
  readonly #onRefresh = (): void => {
    for (const sub of this.#subs.values()) {
      if (sub.kind === 'shard' && this.#ownerOf(sub.channel) !== sub.address) this.#move(sub);
    }
  };

  constructor(nodes: NodesManager) {
    this.#nodes = nodes;
    nodes.on('slots-refreshed', this.#onRefresh);
  }

  ssubscribe(channel: string, listener: MessageListener): Promise<void> {
    return this.#subscribe('shard', channel, listener);
  }

  subscribe(channel: string, listener: MessageListener): Promise<void> {
    return this.#subscribe('classic', channel, listener);
  }

  async sunsubscribe(channel: string): Promise<void> {
    await this.#drop(`shard:${channel}`);
  }

  async unsubscribe(channel: string): Promise<void> {
    await this.#drop(`classic:${channel}`);
  }

  async close(): Promise<void> {
    this.#nodes.off('slots-refreshed', this.#onRefresh);
    await Promise.all([...this.#subs.keys()].map((k) => this.#drop(k)));
  }

  #ownerOf(channel: string): string {
    return this.#nodes.nodeForSlot(keySlot(channel), false).address;
  }

  async #subscribe(kind: 'shard' | 'classic', channel: string, listener: MessageListener): Promise<void> {
    if (!this.#nodes.loaded) await this.#nodes.initialize();
    const node = kind === 'shard' ? this.#nodes.nodeForSlot(keySlot(channel), false) : this.#nodes.randomPrimary();
    const pool = this.#nodes.poolFor(node);
    const conn = await pool.acquire();
    const sub: Subscription = { kind, channel, listener, address: node.address, conn, release: () => pool.release(conn) };
    conn.on('push', (push: RespValue[]) => {
      const type = text(push[0]);
      if (text(push[1]) !== channel) return;
      if (type === (kind === 'shard' ? 'smessage' : 'message')) listener(push[2] as string | Buffer, channel);
      // The server unsubscribed us (its slot moved away): follow the slot once the table says where.
      else if (type === 'sunsubscribe' && this.#subs.get(`${kind}:${channel}`) === sub) {
        this.#nodes.refresh().then(() => this.#move(sub)).catch(() => undefined);
      }
    });
    conn.on('end', () => {
      if (this.#subs.get(`${kind}:${channel}`) === sub) this.#move(sub);
    });
    try {
      await conn.sendCommand([kind === 'shard' ? 'SSUBSCRIBE' : 'SUBSCRIBE', channel]);
    } catch (error) {
      sub.release();
      throw error;
    }
    this.#subs.set(`${kind}:${channel}`, sub);
  }

  #move(sub: Subscription): void {
    const key = `${sub.kind}:${sub.channel}`;
    if (this.#subs.get(key) !== sub) return;
    this.#subs.delete(key);
    sub.conn.removeAllListeners('push');
    sub.conn.destroy();
    sub.release();
    this.#subscribe(sub.kind, sub.channel, sub.listener).catch(() => {
      // Retried on the next refresh: keep the intent.
      setTimeout(() => this.#subscribe(sub.kind, sub.channel, sub.listener).catch(() => undefined), 1000).unref();
    });
  }

  async #drop(key: string): Promise<void> {
    const sub = this.#subs.get(key);
    if (sub === undefined) return;
    this.#subs.delete(key);
    await sub.conn.sendCommand([sub.kind === 'shard' ? 'SUNSUBSCRIBE' : 'UNSUBSCRIBE', sub.channel]).catch(() => undefined);
    sub.conn.removeAllListeners('push');
    sub.release();
  }
}
