import { EventEmitter } from 'node:events';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { parseSentinelEvent, WATCHED_CHANNELS, type SentinelAddress, type SentinelEvent } from './sentinel-event.js';
import type { SentinelDiscovery } from './sentinel-discovery.js';
import type { SentinelLinks } from './sentinel-links.js';

function text(value: RespValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return '';
}

/**
 * One connection subscribed to the sentinels' event channels, shared by every client of a `Sentinel`. When its
 * sentinel dies it reconnects to the next one in the list (its endpoint resolver walks the list), subscribes again
 * and emits `resubscribed`, so the owner can check whether it missed a `+switch-master` meanwhile.
 *
 * Events: `event` (SentinelEvent, plus the sentinel that published it), `subscribed` (SentinelAddress, every
 * time), `resubscribed` (SentinelAddress, every time but the first).
 */
export class SentinelWatcher extends EventEmitter {
  readonly #connection: PoolConnection;
  readonly #discovery: SentinelDiscovery;
  #next = 0;
  #current: SentinelAddress | undefined;
  #closed = false;
  #subscribedOnce = false;
  /** The sentinel the subscription is established on; undefined while (re)connecting. */
  subscribedTo: SentinelAddress | undefined;

  constructor(discovery: SentinelDiscovery, links: SentinelLinks) {
    super();
    this.#discovery = discovery;
    this.#connection = links.newConnection(
      links.connectionOptions({
        // Walk the sentinel list: the first connect starts at the front, each reconnect tries the next one.
        resolveEndpoint: () => {
          const list = this.#discovery.sentinels;
          const pick = list[this.#next++ % list.length] as SentinelAddress;
          this.#current = pick;
          return { host: pick.host, port: pick.port };
        },
        retry: { attempts: Number.POSITIVE_INFINITY, strategy: 'equal-jitter', base: 100, cap: 1000 },
        // The subscription is idle most of the time; only the connect and SUBSCRIBE need a deadline.
        commandTimeout: 0,
      }),
    );
    this.#connection.on('ready', () => void this.#subscribe());
    this.#connection.on('close', () => {
      this.subscribedTo = undefined;
    });
    this.#connection.on('push', (message: RespValue[]) => this.#onPush(message));
  }

  /** The sentinel currently listened to. */
  get sentinel(): SentinelAddress | undefined {
    return this.#current === undefined ? undefined : { ...this.#current };
  }

  start(): void {
    this.#connection.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connection.disconnect({ timeout: 200 }).catch(() => this.#connection.destroy());
  }

  async #subscribe(): Promise<void> {
    if (this.#closed) return;
    const sentinel = this.#current;
    try {
      await this.#connection.sendCommand(['SUBSCRIBE', ...WATCHED_CHANNELS], { timeout: 2000 });
    } catch {
      // The connection reconnects (to the next sentinel) and subscribes again from its 'ready'.
      if (!this.#closed) this.#connection.reconnect();
      return;
    }
    if (sentinel === undefined) return;
    this.subscribedTo = sentinel;
    if (this.#subscribedOnce) this.emit('resubscribed', sentinel);
    this.#subscribedOnce = true;
    this.emit('subscribed', sentinel);
  }

  #onPush(message: RespValue[]): void {
    const kind = text(message[0]);
    if (kind !== 'message' && kind !== 'pmessage') return;
    const channel = text(kind === 'pmessage' ? message[2] : message[1]);
    const payload = text(kind === 'pmessage' ? message[3] : message[2]);
    const event: SentinelEvent | undefined = parseSentinelEvent(channel, payload);
    if (event !== undefined) this.emit('event', event, this.sentinel);
  }
}
