import { createAdapter, createShardedAdapter, type RedisAdapterOptions } from '@socket.io/redis-adapter';
import type { Namespace } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';
import { ClusterClient, type RedisApi } from '../index.js';
import { NodeRedisShape } from './node-redis-shape.js';

/** Options of `@socket.io/redis-adapter`'s sharded adapter (it does not export the type). */
export type ShardedRedisAdapterOptions = NonNullable<Parameters<typeof createShardedAdapter>[2]>;

/** Options of `createRedisAdapter`: those of `@socket.io/redis-adapter` plus which of its adapters to use. */
export type RedisAdapterFactoryOptions =
  | ({ sharded?: false } & Partial<RedisAdapterOptions>)
  | ({ sharded: true } & ShardedRedisAdapterOptions);

/** What `io.adapter(...)` takes, plus `close()` for the subscriber client the factory made. */
export type RedisAdapterFactory = ((nsp: Namespace) => Adapter) & {
  /** Closes the subscriber connections (call after closing the Socket.IO servers). The caller's client stays open. */
  close(): Promise<void>;
};

/** What the adapter factory needs of a client: the client API and a `duplicate` taking buffer options. */
export interface SocketIoRedis extends RedisApi {
  duplicate(overrides?: { pubsubBuffers?: boolean; pushBuffers?: boolean }): RedisApi;
}

/**
 * A Socket.IO adapter over a redwire client, delegating to `@socket.io/redis-adapter`: broadcasts, rooms,
 * `fetchSockets()` and `serverSideEmit()` across servers. Publishes through `client`; subscribes through a
 * `duplicate()` of it that delivers messages as Buffers (the adapter's msgpack packets are binary). On a
 * `ClusterClient` the sharded adapter (SSUBSCRIBE/SPUBLISH) is the default; pass `sharded` to choose.
 *
 * @example io.adapter(createRedisAdapter(redis));
 */
export function createRedisAdapter(client: SocketIoRedis, options: RedisAdapterFactoryOptions = {}): RedisAdapterFactory {
  const cluster = client instanceof ClusterClient;
  const subscriber = client.duplicate(cluster ? { pushBuffers: true } : { pubsubBuffers: true });
  const pub = new NodeRedisShape(client);
  const sub = new NodeRedisShape(subscriber);
  const { sharded = cluster, ...adapterOptions } = options;
  const factory = sharded
    ? createShardedAdapter(pub, sub, adapterOptions as ShardedRedisAdapterOptions)
    : createAdapter(pub, sub, adapterOptions as Partial<RedisAdapterOptions>);
  return Object.assign(factory, {
    async close(): Promise<void> {
      pub.detach();
      sub.detach();
      await subscriber.quit();
    },
  }) as RedisAdapterFactory;
}
