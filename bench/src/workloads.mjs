// Workloads 1–8 of issue 7. Each defines the variants that run it and a `unit`: one batch of work on a connected
// client that returns how many operations it did, checking the replies (a client that answers wrongly fails the
// row instead of looking fast).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_KEYSPACE, HASH_FIELDS, KEYS, LIST_ITEMS, VALUE_100, VALUE_100K, VALUE_1M, clusterKey } from './dataset.mjs';

const ALL = ['redwire', 'ioredis', 'node-redis', 'glide'];
const AUTOPIPE = ['redwire', 'ioredis', 'ioredis+autopipe', 'node-redis', 'glide'];

function check(ok, what) {
  if (!ok) throw new Error(`wrong reply: ${what}`);
}

const hashSize = (h) => (Array.isArray(h) ? h.length : Object.keys(h).length);

function concurrent(n, fn) {
  const all = new Array(n);
  for (let i = 0; i < n; i++) all[i] = fn(i);
  return Promise.all(all);
}

/** Bytes-in / replies-out for workload 8: a recorded stream fed in 64 KiB chunks, as sockets deliver it. */
const CHUNK = 64 * 1024;
function decoderUnit(stream, expected) {
  return async (ctx) => {
    if (!ctx.chunks) {
      const bytes = readFileSync(join(process.env.BENCH_WORK, `${stream}.bin`));
      ctx.chunks = [];
      for (let i = 0; i < bytes.length; i += CHUNK) ctx.chunks.push(bytes.subarray(i, i + CHUNK));
    }
    ctx.replies = 0;
    for (const chunk of ctx.chunks) ctx.decoder.feed(chunk);
    check(ctx.replies === expected, `${ctx.replies} replies decoded from ${stream}, expected ${expected}`);
    return expected;
  };
}

export const STREAMS = {
  'get1000-resp2': { commands: Array.from({ length: 1000 }, () => ['GET', KEYS.str]), hello3: false, replies: 1000 },
  'lrange100-resp2': { commands: Array.from({ length: 100 }, () => ['LRANGE', KEYS.list, '0', '99']), hello3: false, replies: 100 },
  'hgetall100-resp2': { commands: Array.from({ length: 100 }, () => ['HGETALL', KEYS.hash]), hello3: false, replies: 100 },
  'hgetall100-resp3': { commands: Array.from({ length: 100 }, () => ['HGETALL', KEYS.hash]), hello3: true, replies: 100 },
};

export const WORKLOADS = [
  {
    id: '1',
    title: 'sequential GET (100 B), one at a time',
    kind: 'standalone',
    variants: [...ALL, 'redwire+otel'],
    async unit(c) {
      for (let i = 0; i < 100; i++) check((await c.get(KEYS.str)) === VALUE_100, 'GET bench:str');
      return 100;
    },
  },
  {
    id: '2',
    title: '1,000 concurrent GET/SET on one client',
    kind: 'standalone',
    variants: [...AUTOPIPE, 'redwire+otel'],
    async unit(c) {
      const r = await concurrent(1000, (i) => (i & 1 ? c.get(KEYS.str) : c.set(KEYS.w2Prefix + (i % 100), VALUE_100)));
      check(r[1] === VALUE_100 && r[0] === 'OK', 'GET/SET');
      return 1000;
    },
  },
  {
    id: '3',
    title: 'explicit pipeline of 1,000 GET',
    kind: 'standalone',
    variants: [...ALL, 'js-floor', 'redwire+otel'],
    async unit(c) {
      const r = await c.pipelineGet(KEYS.str, 1000);
      check(r.length === 1000 && r[999] === VALUE_100, 'pipeline results');
      return 1000;
    },
  },
  {
    id: '4a',
    title: '100 KB value SET+GET',
    kind: 'standalone',
    variants: ALL,
    async unit(c) {
      await c.set(KEYS.big100k, VALUE_100K);
      check((await c.get(KEYS.big100k)).length === VALUE_100K.length, 'GET 100 KB');
      return 2;
    },
  },
  {
    id: '4b',
    title: '1 MB value SET+GET',
    kind: 'standalone',
    variants: ALL,
    async unit(c) {
      await c.set(KEYS.big1m, VALUE_1M);
      check((await c.get(KEYS.big1m)).length === VALUE_1M.length, 'GET 1 MB');
      return 2;
    },
  },
  {
    id: '5a',
    title: 'LRANGE 0..99 (100 in flight)',
    kind: 'standalone',
    variants: ALL,
    async unit(c) {
      const r = await concurrent(100, () => c.lrange(KEYS.list, 0, 99));
      check(r[99].length === 100 && r[99][99] === LIST_ITEMS[99], 'LRANGE');
      return 100;
    },
  },
  {
    id: '5b',
    title: 'HGETALL of 100 fields (100 in flight)',
    kind: 'standalone',
    variants: ALL,
    async unit(c) {
      const r = await concurrent(100, () => c.hgetall(KEYS.hash));
      check(hashSize(r[99]) === HASH_FIELDS.length, 'HGETALL');
      return 100;
    },
  },
  {
    id: '6',
    title: 'pool: 200 concurrent leases, 1 GET each',
    kind: 'standalone',
    variants: ['redwire', 'node-redis'],
    unavailable: { ioredis: 'no pool', glide: 'no pool' },
    options: { pool: true },
    async unit(c) {
      const r = await concurrent(200, () => c.leaseGet(KEYS.str));
      check(r[199] === VALUE_100, 'leased GET');
      return 200;
    },
  },
  {
    id: '7',
    title: 'cluster: 1,000 concurrent GET/SET, random keys',
    kind: 'cluster',
    variants: AUTOPIPE,
    async unit(c) {
      const r = await concurrent(1000, (i) => {
        const key = clusterKey((Math.random() * CLUSTER_KEYSPACE) | 0);
        return i & 1 ? c.get(key) : c.set(key, VALUE_100);
      });
      check(r[0] === 'OK' && (r[1] === null || r[1] === VALUE_100), 'cluster GET/SET');
      return 1000;
    },
  },
  ...Object.entries(STREAMS).map(([stream, s]) => ({
    id: `8-${stream}`,
    title: `decoder: ${stream.replace(/-/, ' ')} replies`,
    kind: 'decoder',
    stream,
    variants: s.hello3 ? ['redwire', 'node-redis'] : ['redwire', 'redis-parser', 'node-redis'],
    unavailable: { glide: 'native decoder', ...(s.hello3 ? { 'redis-parser': 'RESP2 only' } : {}) },
    unit: decoderUnit(stream, s.replies),
  })),
];

export const byId = (id) => {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}; known: ${WORKLOADS.map((x) => x.id).join(', ')}`);
  return w;
};
