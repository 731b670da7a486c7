import { ClusterClient, ConfigError, createClient, type CreateClientOptions, type MessageListener, type RedisApi, type Unsubscribe } from '../index.js';
import type { RedisTransportOptions, RedisTransportStatus } from './redis-transport-options.interface.js';

/** Reply channel of a request channel: the built-in transport's convention, kept for wire compatibility. */
export function replyChannel(channel: string): string {
  return `${channel}.reply`;
}

/**
 * The pub/sub side of a transport over one redwire client: its own or the caller's, classic or sharded channels.
 * One client is enough: redwire keeps subscriptions on a dedicated connection and publishes on the shared one.
 */
export class TransportChannels {
  readonly client: RedisApi;
  readonly sharded: boolean;
  readonly #owned: boolean;
  readonly #subscriptions = new Set<Unsubscribe>();

  constructor(options: RedisTransportOptions, who: string) {
    if (options.client !== undefined && options.connection !== undefined) {
      throw new ConfigError(`${who}: pass either 'client' (a redwire client to reuse) or 'connection' (options for a client of its own), not both.`);
    }
    if (options.client !== undefined) {
      this.client = options.client;
      this.#owned = false;
    } else {
      this.client = ownClient(options.connection ?? {});
      this.#owned = true;
    }
    this.sharded = options.sharded ?? this.client instanceof ClusterClient;
    if (this.sharded && options.wildcards === true) {
      throw new ConfigError(`${who}: 'wildcards' needs classic pub/sub (PSUBSCRIBE has no sharded form): remove 'wildcards' or set sharded: false.`);
    }
  }

  /** Subscribes `listener` to channels (or glob patterns); resolves once the server confirmed. */
  async listen(channels: string[], listener: MessageListener<string>, patterns = false): Promise<void> {
    if (channels.length === 0) return;
    const off = patterns
      ? await this.client.psubscribe(channels, listener)
      : this.sharded
        ? await this.client.ssubscribe(channels, listener)
        : await this.client.subscribe(channels, listener);
    this.#subscriptions.add(off);
  }

  /** Subscribes, returning the function that removes exactly this subscription. */
  async listenOnce(channel: string, listener: MessageListener<string>): Promise<Unsubscribe> {
    const off = this.sharded ? await this.client.ssubscribe(channel, listener) : await this.client.subscribe(channel, listener);
    const remove: Unsubscribe = () => {
      this.#subscriptions.delete(remove);
      return off();
    };
    this.#subscriptions.add(remove);
    return remove;
  }

  publish(channel: string, message: string): Promise<number> {
    return this.sharded ? this.client.spublish(channel, message) : this.client.publish(channel, message);
  }

  /** Status changes from the client's events. */
  watchStatus(next: (status: RedisTransportStatus) => void): () => void {
    const ready = (): void => next('connected');
    const reconnecting = (): void => next('reconnecting');
    const end = (): void => next('disconnected');
    this.client.on('ready', ready).on('reconnecting', reconnecting).on('end', end);
    return () => {
      this.client.off('ready', ready).off('reconnecting', reconnecting).off('end', end);
    };
  }

  /** Removes this transport's subscriptions; closes the client when it is the transport's own. */
  async close(): Promise<void> {
    const subscriptions = [...this.#subscriptions];
    this.#subscriptions.clear();
    await Promise.allSettled(subscriptions.map((off) => off()));
    if (this.#owned) await this.client.quit();
  }
}

function ownClient(connection: string | CreateClientOptions): RedisApi {
  if (typeof connection === 'string') return createClient(connection);
  return connection.topology === 'cluster' ? createClient(connection) : createClient(connection);
}
