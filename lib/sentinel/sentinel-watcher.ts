import { EventEmitter } from 'node:events';
import type { SentinelAddress, SentinelEvent } from './sentinel-event.js';
import type { SentinelDiscovery } from './sentinel-discovery.js';
import { addressKey, type SentinelLinks } from './sentinel-links.js';
import { SentinelSubscription, type SentinelSubscriptionOptions } from './sentinel-subscription.js';

/**
 * The event subscriptions of a `Sentinel`, one per known sentinel, shared by all its clients. Listening to every
 * sentinel matters: only the leader of a failover publishes its progress (`+try-failover` … `+promoted-slave`),
 * and the sentinels announce `+switch-master` up to seconds apart. Each subscription reconnects to its own sentinel
 * and is PINGed (a silent one is reopened); `sync()` adds subscriptions for sentinels learnt since (the owner
 * refreshes the list from `SENTINEL SENTINELS`).
 *
 * Events: `event` (SentinelEvent, plus the sentinel that published it), `subscribed` (SentinelAddress, every
 * time a subscription is established), `resubscribed` (SentinelAddress: a subscription came back after a time
 * with none at all, so events may have been missed).
 */
export class SentinelWatcher extends EventEmitter {
  readonly #discovery: SentinelDiscovery;
  readonly #links: SentinelLinks;
  readonly #options: SentinelSubscriptionOptions;
  readonly #subscriptions = new Map<string, SentinelSubscription>();
  #closed = false;
  #started = false;
  #everSubscribed = false;
  #deaf = false;

  constructor(discovery: SentinelDiscovery, links: SentinelLinks, options: SentinelSubscriptionOptions) {
    super();
    this.#discovery = discovery;
    this.#links = links;
    this.#options = options;
  }

  /** A sentinel the events are received from now (the first of the list that is subscribed); undefined if none. */
  get subscribedTo(): SentinelAddress | undefined {
    for (const address of this.#discovery.sentinels) {
      const subscription = this.#subscriptions.get(addressKey(address));
      if (subscription?.subscribed === true) return { ...subscription.address };
    }
    return undefined;
  }

  /** Every sentinel subscribed to now. */
  get subscribedSentinels(): SentinelAddress[] {
    return [...this.#subscriptions.values()].filter((s) => s.subscribed).map((s) => ({ ...s.address }));
  }

  start(): void {
    this.#started = true;
    this.sync();
  }

  /** Subscribes to the sentinels of the list not subscribed to yet. */
  sync(): void {
    if (this.#closed || !this.#started) return;
    for (const address of this.#discovery.sentinels) {
      const key = addressKey(address);
      if (this.#subscriptions.has(key)) continue;
      const subscription = new SentinelSubscription(address, this.#links, this.#options);
      subscription.on('event', (event: SentinelEvent, from: SentinelAddress) => this.emit('event', event, from));
      subscription.on('subscribed', (at: SentinelAddress) => this.#onSubscribed(at));
      subscription.on('lost', () => {
        if (this.#everSubscribed && this.subscribedTo === undefined) this.#deaf = true;
      });
      this.#subscriptions.set(key, subscription);
      subscription.start();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    await Promise.all(all.map((s) => s.close()));
  }

  #onSubscribed(at: SentinelAddress): void {
    if (this.#closed) return;
    this.#everSubscribed = true;
    this.emit('subscribed', at);
    if (this.#deaf) {
      this.#deaf = false;
      this.emit('resubscribed', at);
    }
  }
}
