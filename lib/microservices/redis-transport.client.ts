import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { ConnectionError, TimeoutError, type RedisApi, type Unsubscribe } from '../index.js';
import type { RedisTransportEvents, RedisTransportOptions, RedisTransportStatus } from './redis-transport-options.interface.js';
import { replyChannel, TransportChannels } from './transport-channels.js';

interface ReplySubscription {
  users: number;
  ready: Promise<Unsubscribe>;
}

type ReplyCallback = (packet: WritePacket) => void;

/**
 * A Nest `ClientProxy` over redwire pub/sub, wire-compatible with Nest's built-in Redis transport (see
 * `RedisTransportServer`). Register it with `ClientsModule.register[Async]([{ name, useFactory: (redis) =>
 * ({ customClass: RedisTransportClient, options: { client: redis } }), inject: [getRedisToken()] }])`.
 * Each pattern's reply channel is subscribed while requests on it are waiting, as the built-in client does.
 */
export class RedisTransportClient extends ClientProxy<RedisTransportEvents, RedisTransportStatus> {
  readonly #options: RedisTransportOptions;
  #channels: TransportChannels | undefined;
  #connecting: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  readonly #replies = new Map<string, ReplySubscription>();
  readonly #onReply = (message: string): void => {
    this.#deliver(message).catch(() => undefined);
  };

  constructor(options: RedisTransportOptions = {}) {
    super();
    this.#options = options;
    this.initializeSerializer(options);
    this.initializeDeserializer(options);
  }

  connect(): Promise<void> {
    this.#connecting ??= this.#open().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const channels = this.#ensureChannels();
    this.#unwatch ??= channels.watchStatus((status) => this._status$.next(status));
    await channels.client.connect();
    this._status$.next('connected');
  }

  /** Fails waiting requests, removes the reply subscriptions, closes the client if it is the transport's own. */
  async close(): Promise<void> {
    const waiting = [...this.routingMap.values()] as ReplyCallback[];
    this.routingMap.clear();
    const closed = new ConnectionError('The RedisTransportClient was closed while this request waited for its reply.');
    for (const callback of waiting) callback({ err: closed, isDisposed: true } as WritePacket);
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#replies.clear();
    const channels = this.#channels;
    this.#channels = undefined;
    this.#connecting = undefined;
    await channels?.close();
    this._status$.next('disconnected');
  }

  /** The redwire client the transport runs on. */
  unwrap<T = RedisApi>(): T {
    return this.#ensureChannels().client as T;
  }

  /** Listens to an event of the redwire client (`ready`, `reconnecting`, `error`, `end`, ...). */
  override on<K extends keyof RedisTransportEvents>(event: K, callback: RedisTransportEvents[K]): void {
    this.#ensureChannels().client.on(event, callback);
  }

  protected publish(partial: ReadPacket, callback: ReplyCallback): () => void {
    const packet = this.assignPacketId(partial);
    const pattern = this.normalizePattern(partial.pattern);
    const replies = replyChannel(pattern);
    const outgoing = JSON.stringify(this.serializer.serialize(packet));
    const channels = this.#ensureChannels();
    let finished = false;
    this.routingMap.set(packet.id, callback);
    const timeout = this.#options.timeout ?? 0;
    const timer = timeout > 0
      ? setTimeout(() => {
          if (finished) return;
          callback({
            err: new TimeoutError(`No reply to '${pattern}' within ${timeout} ms: is a service handling this pattern running?`, 'command', timeout),
            isDisposed: true,
          } as WritePacket);
        }, timeout)
      : undefined;
    this.#acquire(replies)
      .then(() => (finished ? undefined : channels.publish(pattern, outgoing)))
      .catch((error: unknown) => {
        if (!finished) callback({ err: error, isDisposed: true } as WritePacket);
      });
    return () => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      this.routingMap.delete(packet.id);
      this.#release(replies);
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const pattern = this.normalizePattern(packet.pattern);
    await this.#ensureChannels().publish(pattern, JSON.stringify(this.serializer.serialize(packet)));
    return undefined as T;
  }

  #ensureChannels(): TransportChannels {
    return (this.#channels ??= new TransportChannels(this.#options, 'RedisTransportClient'));
  }

  #acquire(channel: string): Promise<unknown> {
    let subscription = this.#replies.get(channel);
    if (subscription === undefined) {
      subscription = { users: 0, ready: this.#ensureChannels().listenOnce(channel, this.#onReply) };
      subscription.ready.catch(() => this.#replies.delete(channel));
      this.#replies.set(channel, subscription);
    }
    subscription.users += 1;
    return subscription.ready;
  }

  #release(channel: string): void {
    const subscription = this.#replies.get(channel);
    if (subscription === undefined) return;
    subscription.users -= 1;
    if (subscription.users > 0) return;
    this.#replies.delete(channel);
    subscription.ready.then((off) => off()).catch(() => undefined);
  }

  async #deliver(message: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(message) as unknown;
    } catch {
      raw = message;
    }
    const { err, response, isDisposed, id } = (await this.deserializer.deserialize(raw)) as WritePacket & { id?: string };
    const callback = id === undefined ? undefined : (this.routingMap.get(id) as ReplyCallback | undefined);
    if (callback === undefined) return;
    callback(isDisposed === true || (err !== undefined && err !== null) ? { err, response, isDisposed: true } : { err, response });
  }
}
