import { RedisContext, Server, type CustomTransportStrategy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import type { RedisApi } from '../index.js';
import type { RedisTransportEvents, RedisTransportOptions, RedisTransportStatus } from './redis-transport-options.interface.js';
import { replyChannel, TransportChannels } from './transport-channels.js';

const NO_HANDLER = 'No message handler for this pattern in the remote service: check the @MessagePattern() of the service.';

type Produce = () => Promise<Observable<unknown>>;
type Respond = (packet: WritePacket) => Promise<unknown>;

/**
 * A Nest microservice transport over redwire pub/sub: `app.connectMicroservice({ strategy: new RedisTransportServer(
 * { client }) })`. On the wire it is Nest's built-in Redis transport (a request on the pattern's channel as JSON
 * `{ pattern, data, id }`, the reply on `<channel>.reply` as `{ id, response | err, isDisposed }`, events without
 * `id`), so built-in clients and servers talk to it; with `sharded` (the default on a Cluster) it uses shard
 * channels instead, which only redwire transports speak.
 */
export class RedisTransportServer extends Server<RedisTransportEvents, RedisTransportStatus> implements CustomTransportStrategy {
  readonly #options: RedisTransportOptions;
  #channels: TransportChannels | undefined;
  #unwatch: (() => void) | undefined;

  constructor(options: RedisTransportOptions = {}) {
    super();
    this.#options = options;
    this.initializeSerializer(options);
    this.initializeDeserializer(options);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const channels = (this.#channels ??= new TransportChannels(this.#options, 'RedisTransportServer'));
      this.#unwatch = channels.watchStatus((status) => this._status$.next(status));
      await channels.client.connect();
      const wildcards = this.#options.wildcards === true;
      const listener = (message: string, channel: string, pattern?: string): void => {
        this.#handleMessage(message, channel, pattern ?? channel).catch((error: unknown) => this.handleError(String(error)));
      };
      await channels.listen([...this.messageHandlers.keys()], listener, wildcards);
      this._status$.next('connected');
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = undefined;
    const channels = this.#channels;
    this.#channels = undefined;
    await channels?.close();
    this._status$.next('disconnected');
  }

  /** The redwire client the transport runs on. */
  unwrap<T = RedisApi>(): T {
    if (this.#channels === undefined) {
      throw new Error('RedisTransportServer is not listening yet: call app.startAllMicroservices() (or listen()) first.');
    }
    return this.#channels.client as T;
  }

  /** Listens to an event of the redwire client (`ready`, `reconnecting`, `error`, `end`, ...). */
  on<K extends keyof RedisTransportEvents>(event: K, callback: RedisTransportEvents[K]): void {
    this.unwrap().on(event, callback);
  }

  /** `channel`: where it arrived; `handlerKey`: the subscribed channel or glob pattern naming the handler. */
  async #handleMessage(message: string, channel: string, handlerKey: string): Promise<void> {
    const channels = this.#channels;
    if (channels === undefined) return;
    const packet = (await this.deserializer.deserialize(parseJson(message), { channel })) as ReadPacket & { id?: string };
    const context = new RedisContext([channel]);
    if (packet.id === undefined) {
      await this.handleEvent(handlerKey, packet, context);
      return;
    }
    const id = packet.id;
    const respond: Respond = (response) => {
      const outgoing = this.serializer.serialize({ ...response, id }) as unknown;
      return channels.publish(replyChannel(channel), JSON.stringify(outgoing));
    };
    const handler = this.getHandlerByPattern(handlerKey);
    if (handler === null) {
      await respond({ status: 'error', err: NO_HANDLER } as WritePacket);
      return;
    }
    const produce: Produce = async () => this.transformToObservable(await handler(packet.data, context)) as Observable<unknown>;
    // Nest 12 runs requests through its processing hooks (handleRequest); Nest 11 has only send().
    const withHooks = (this as unknown as { handleRequest?: (c: RedisContext, p: Produce, r: Respond) => void }).handleRequest;
    if (typeof withHooks === 'function') withHooks.call(this, context, produce, respond);
    else this.send(await produce(), respond);
  }
}

function parseJson(message: string): unknown {
  try {
    return JSON.parse(message) as unknown;
  } catch {
    return message;
  }
}
