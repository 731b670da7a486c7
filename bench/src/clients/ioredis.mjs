// ioredis with its defaults; `autoPipelining` turns on its documented enableAutoPipelining.
import Redis, { Cluster } from 'ioredis';
import Parser from 'redis-parser';
import { singleCommands, pipelineGetPairs } from './common-commands.mjs';

export async function createStandalone({ port, autoPipelining = false }) {
  const client = new Redis({ host: '127.0.0.1', port, enableAutoPipelining: autoPipelining, lazyConnect: true });
  await client.connect();
  return {
    ...singleCommands(client),
    pipelineGet: (key, n) => pipelineGetPairs(client, key, n),
    close: () => client.quit(),
  };
}

export async function createCluster({ ports, autoPipelining = false }) {
  const client = new Cluster(
    ports.map((port) => ({ host: '127.0.0.1', port })),
    { enableAutoPipelining: autoPipelining, lazyConnect: true },
  );
  await client.connect();
  return { get: (k) => client.get(k), set: (k, v) => client.set(k, v), close: () => client.quit() };
}

/** ioredis' RESP2 parser (redis-parser), strings as ioredis uses it by default. */
export async function createDecoder(handlers) {
  const parser = new Parser({
    returnReply: handlers.onReply,
    returnError: handlers.onError,
    returnFatalError: (e) => {
      throw e;
    },
  });
  return { feed: (chunk) => parser.execute(chunk) };
}
