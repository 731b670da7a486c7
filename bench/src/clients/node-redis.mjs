// node-redis (@redis/client) with its defaults: RESP3 in v5+, commands written in one batch per tick (its
// built-in auto-pipelining). Workload 6 uses its client pool (createClientPool, default maximum 100).
import { createRequire } from 'node:module';
import { createClient, createClientPool, createCluster as createRedisCluster } from '@redis/client';

const require = createRequire(import.meta.url);

export async function createStandalone({ port, pool = false }) {
  const url = `redis://127.0.0.1:${port}`;
  if (pool) {
    const p = createClientPool({ url });
    await p.connect();
    return { leaseGet: (k) => p.execute((c) => c.get(k)), close: () => p.close() };
  }
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    lrange: (k, a, b) => client.lRange(k, a, b),
    hgetall: (k) => client.hGetAll(k),
    async pipelineGet(key, n) {
      const m = client.multi();
      for (let i = 0; i < n; i++) m.get(key);
      return m.execAsPipeline();
    },
    close: () => client.close(),
  };
}

export async function createCluster({ ports }) {
  const client = createRedisCluster({ rootNodes: ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
  client.on('error', () => {});
  await client.connect();
  return { get: (k) => client.get(k), set: (k, v) => client.set(k, v), close: () => client.close() };
}

/** node-redis' RESP decoder (RESP3; RESP2 frames are a subset), with its default type mapping (strings, objects). */
export async function createDecoder(handlers) {
  const { Decoder } = require('@redis/client/dist/lib/RESP/decoder.js');
  const decoder = new Decoder({
    onReply: handlers.onReply,
    onErrorReply: handlers.onError,
    onPush: handlers.onReply,
    getTypeMapping: () => ({}),
  });
  return { feed: (chunk) => decoder.write(chunk) };
}
