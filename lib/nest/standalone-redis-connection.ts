import { RedisClient } from '../client/redis-client.js';
import { probeNode } from './probe-node.js';
import { forwardClientEvents } from './client-events.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisModuleStandaloneOptions } from './redis-module-options.interface.js';

/** A standalone connection: one `RedisClient` over its `ConnectionPool`. */
export function standaloneRedisConnection(name: string, options: RedisModuleStandaloneOptions): RedisConnection {
  const client = new RedisClient({ ...options, lazyConnect: true });
  const label = client.pool.endpointLabel;
  return {
    name,
    topology: 'standalone',
    label,
    client,
    pool: client.pool,
    connect: () => client.connect(),
    close: (timeoutMs) => client.quit({ timeout: timeoutMs }),
    probe: (args, timeoutMs) => probeNode(client.pool, args, timeoutMs),
    onEvent: (listener) => forwardClientEvents(client, label, listener),
  };
}
