// redwire, loaded from the build snapshot run.sh prepares (REDWIRE_DIST, default bench/.redwire, else ../dist/esm).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function loadRedwire() {
  const candidates = [process.env.REDWIRE_DIST, join(here, '../../.redwire'), join(here, '../../../dist/esm')].filter(Boolean);
  const dir = candidates.find((d) => existsSync(join(d, 'index.js')));
  if (!dir) throw new Error(`redwire build not found (looked in ${candidates.join(', ')}); run bash bench/run.sh`);
  return import(pathToFileURL(resolve(dir, 'index.js')).href);
}

export async function createStandalone({ port }) {
  const { RedisClient } = await loadRedwire();
  const client = new RedisClient({ host: '127.0.0.1', port });
  await client.connect();
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    lrange: (k, a, b) => client.lrange(k, a, b),
    hgetall: (k) => client.hgetall(k),
    async pipelineGet(key, n) {
      const p = client.pipeline();
      for (let i = 0; i < n; i++) p.get(key);
      const results = await p.exec();
      return results.map(([err, value]) => {
        if (err) throw err;
        return value;
      });
    },
    leaseGet: (k) => client.pool.withConnection((conn) => conn.sendCommand(['GET', k])),
    close: () => client.quit(),
  };
}

export async function createCluster({ ports }) {
  const { ClusterClient } = await loadRedwire();
  const client = new ClusterClient({ nodes: ports.map((port) => ({ host: '127.0.0.1', port })) });
  await client.connect();
  return { get: (k) => client.get(k), set: (k, v) => client.set(k, v), close: () => client.quit() };
}

export async function createDecoder(handlers) {
  const { RespDecoder } = await loadRedwire();
  const decoder = new RespDecoder({ onReply: handlers.onReply, onErrorReply: handlers.onError, onPush: handlers.onReply });
  return { feed: (chunk) => decoder.feed(chunk) };
}
