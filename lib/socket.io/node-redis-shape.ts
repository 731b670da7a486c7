import { EventEmitter } from 'node:events';
import type { MessageListener, RedisApi, RedisArg, RespValue } from '../index.js';

type Listener = MessageListener<Buffer>;


/**
 * The node-redis v4 shape `@socket.io/redis-adapter` drives (`subscribe(channels, listener, bufferMode)`,
 * `pSubscribe`, `sSubscribe`, `publish`, `sPublish`, `sendCommand`), over a redwire client. Its listeners take
 * `(message, channel)`, which is a redwire message listener as it is, so subscribing hands them over unchanged.
 * Failures of calls the adapter does not await are emitted as `error` (the adapter listens to it).
 */
export class NodeRedisShape extends EventEmitter {
  readonly #client: RedisApi;
  readonly #forward = (error: Error): void => {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  };

  constructor(client: RedisApi) {
    super();
    this.#client = client;
    client.on('error', this.#forward);
  }

  subscribe(channels: string | string[], listener: Listener): Promise<void> {
    return this.#settle(this.#client.subscribe(channels, listener));
  }

  pSubscribe(patterns: string | string[], listener: Listener): Promise<void> {
    return this.#settle(this.#client.psubscribe(patterns, listener));
  }

  sSubscribe(channels: string | string[], listener: Listener): Promise<void> {
    return this.#settle(this.#client.ssubscribe(channels, listener));
  }

  unsubscribe(channels?: string | string[], listener?: Listener): Promise<void> {
    return this.#settle(this.#client.unsubscribe(channels, listener));
  }

  pUnsubscribe(patterns?: string | string[], listener?: Listener): Promise<void> {
    return this.#settle(this.#client.punsubscribe(patterns, listener));
  }

  sUnsubscribe(channels?: string | string[], listener?: Listener): Promise<void> {
    return this.#settle(this.#client.sunsubscribe(channels, listener));
  }

  publish(channel: string, message: RedisArg): Promise<number> {
    return this.#client.publish(channel, message);
  }

  sPublish(channel: string, message: RedisArg): Promise<number> {
    return this.#client.spublish(channel, message);
  }

  /**
   * The adapter asks `PUBSUB NUMSUB|SHARDNUMSUB channel` to count servers and reads `[channel, count]`. On a Cluster,
   * SHARDNUMSUB is routed to the shard that owns the channel's slot, and the client sums NUMSUB over every node (a
   * node counts only the subscribers connected to it, and the servers' subscribers may sit on any node).
   */
  async sendCommand(args: RedisArg[]): Promise<RespValue> {
    const [command, sub, channel] = args.map(String);
    if (command?.toUpperCase() === 'PUBSUB' && channel !== undefined) {
      const kind = sub?.toUpperCase();
      if (kind === 'NUMSUB') return [channel, await this.#numsub(channel)];
      if (kind === 'SHARDNUMSUB') return [channel, (await this.#client.pubsubShardnumsub(channel))[channel] ?? 0];
    }
    return this.#client.call(String(args[0]), ...args.slice(1));
  }

  async #numsub(channel: string): Promise<number> {
    return (await this.#client.pubsubNumsub(channel))[channel] ?? 0;
  }

  /** Stops forwarding the client's errors. */
  detach(): void {
    this.#client.off('error', this.#forward);
  }

  async #settle(pending: Promise<unknown>): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.#forward(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
