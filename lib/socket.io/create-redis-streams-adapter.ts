import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Namespace } from 'socket.io';
import type { Adapter } from 'socket.io-adapter';
import { ClusterClient } from '../index.js';
import type { SocketIoRedis } from './create-redis-adapter.js';
import { NodeRedisStreamsShape } from './node-redis-streams-shape.js';

/** Options of `@socket.io/redis-streams-adapter` (stream name and count, maxLen, readCount, blockTimeInMs, heartbeats...). */
export type RedisStreamsAdapterFactoryOptions = NonNullable<Parameters<typeof createAdapter>[1]>;

/** What `io.adapter(...)` takes, plus `close()` for the stream readers and the subscriber the adapter made. */
export type RedisStreamsAdapterFactory = ((nsp: Namespace) => Adapter) & {
  /** Closes the adapter's own connections (call after closing the Socket.IO servers). The caller's client stays open. */
  close(): Promise<void>;
};

/**
 * A Socket.IO adapter over a redwire client, delegating to `@socket.io/redis-streams-adapter`: broadcasts go
 * through a Redis stream (XADD / blocking XREAD), so a server that loses its Redis connection for a moment
 * catches up instead of missing them, and Socket.IO's connection state recovery works across servers (sessions
 * kept in Redis). Request/response traffic (fetchSockets, serverSideEmit) uses pub/sub; on a `ClusterClient`
 * sharded pub/sub is the default (`useShardedPubSub`).
 *
 * @example io.adapter(createRedisStreamsAdapter(redis));
 */
export function createRedisStreamsAdapter(client: SocketIoRedis, options: RedisStreamsAdapterFactoryOptions = {}): RedisStreamsAdapterFactory {
  const cluster = client instanceof ClusterClient;
  const duplicates = new Set<NodeRedisStreamsShape>();
  const duplicate = () => client.duplicate(cluster ? { pushBuffers: true } : { pubsubBuffers: true });
  const shape = new NodeRedisStreamsShape(client, duplicate, duplicates);
  const factory = createAdapter(shape, { useShardedPubSub: cluster, ...options });
  return Object.assign(factory, {
    async close(): Promise<void> {
      shape.detach();
      await Promise.all([...duplicates].map((reader) => reader.disconnect()));
    },
  }) as RedisStreamsAdapterFactory;
}
