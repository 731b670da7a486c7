import { EventEmitter } from 'node:events';
import { ConnectionError } from '../errors/index.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';
import { parseSentinelEvent, WATCHED_CHANNELS, type SentinelAddress } from './sentinel-event.js';
import { addressKey, type SentinelLinks } from './sentinel-links.js';

function text(value: RespValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return '';
}

export interface SentinelSubscriptionOptions {
  /** ms between liveness PINGs on the subscribed link; 0 = none. */
  pingInterval: number;
  /** ms a PING (and the SUBSCRIBE) may take before the link counts as silent and is reconnected. */
  pingTimeout: number;
}

/**
 * The event subscription on one sentinel. It reconnects to the same sentinel (with backoff) whenever the link
 * breaks, and PINGs it every `pingInterval`: a sentinel that stops answering (a frozen host keeps the TCP
 * connection open) is detected within `pingInterval + pingTimeout` and its link is dropped and reopened.
 *
 * Events: `event` (SentinelEvent), `subscribed`, `lost` (the subscription is gone until the next `subscribed`).
 */
export class SentinelSubscription extends EventEmitter {
  readonly address: SentinelAddress;
  readonly key: string;
  readonly #connection: PoolConnection;
  readonly #options: SentinelSubscriptionOptions;
  #subscribed = false;
  #closed = false;
  #pinger: NodeJS.Timeout | undefined;

  constructor(address: SentinelAddress, links: SentinelLinks, options: SentinelSubscriptionOptions) {
    super();
    this.address = { host: address.host, port: address.port };
    this.key = addressKey(address);
    this.#options = options;
    this.#connection = links.newConnection(
      links.connectionOptions({
        host: address.host,
        port: address.port,
        retry: { attempts: Number.POSITIVE_INFINITY, strategy: 'equal-jitter', base: 100, cap: 1000 },
        // The subscription is idle most of the time: SUBSCRIBE and PING carry their own deadline.
        commandTimeout: 0,
      }),
    );
    this.#connection.on('ready', () => void this.#subscribe());
    this.#connection.on('close', () => this.#lost());
    this.#connection.on('push', (message: RespValue[]) => this.#onPush(message));
  }

  get subscribed(): boolean {
    return this.#subscribed;
  }

  start(): void {
    this.#connection.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopPinging();
    this.#subscribed = false;
    await this.#connection.disconnect({ timeout: 200 }).catch(() => this.#connection.destroy());
  }

  async #subscribe(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#connection.sendCommand(['SUBSCRIBE', ...WATCHED_CHANNELS], { timeout: Math.max(this.#options.pingTimeout, 1000) });
    } catch (error) {
      // Reconnect (with backoff) and subscribe again from 'ready'.
      if (!this.#closed) this.#connection.reconnect(error instanceof Error ? error : undefined);
      return;
    }
    if (this.#closed) return;
    this.#subscribed = true;
    this.#startPinging();
    this.emit('subscribed', this.address);
  }

  #lost(): void {
    this.#stopPinging();
    if (!this.#subscribed) return;
    this.#subscribed = false;
    this.emit('lost', this.address);
  }

  #startPinging(): void {
    this.#stopPinging();
    const { pingInterval, pingTimeout } = this.#options;
    if (pingInterval <= 0) return;
    this.#pinger = setInterval(() => {
      this.#connection.sendCommand(['PING'], { timeout: pingTimeout }).catch((error: unknown) => {
        if (this.#closed || !this.#subscribed) return;
        this.#connection.reconnect(
          new ConnectionError(`Sentinel ${this.key} did not answer PING within ${pingTimeout} ms; reconnecting its event subscription.`, {
            endpoint: this.key,
            cause: error,
          }),
        );
      });
    }, pingInterval);
    this.#pinger.unref();
  }

  #stopPinging(): void {
    clearInterval(this.#pinger);
    this.#pinger = undefined;
  }

  #onPush(message: RespValue[]): void {
    const kind = text(message[0]);
    if (kind !== 'message' && kind !== 'pmessage') return;
    const channel = text(kind === 'pmessage' ? message[2] : message[1]);
    const payload = text(kind === 'pmessage' ? message[3] : message[2]);
    const event = parseSentinelEvent(channel, payload);
    if (event !== undefined) this.emit('event', event, this.address);
  }
}
