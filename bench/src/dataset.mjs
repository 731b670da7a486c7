// The keys and values every workload reads, seeded once per run by the orchestrator (seedStandalone) so that each
// client reads the same bytes. Values are fixed strings so replies can be checked for correctness.
import { runCommands } from './raw-redis.mjs';

export const PORTS = { standalone: 6500, cluster: [7500, 7501, 7502] };

export const VALUE_100 = 'v'.repeat(100);
export const VALUE_100K = 'x'.repeat(100 * 1024);
export const VALUE_1M = 'y'.repeat(1024 * 1024);

export const KEYS = {
  str: 'bench:str',
  w2Prefix: 'bench:w2:',
  big100k: 'bench:big:100k',
  big1m: 'bench:big:1m',
  list: 'bench:list',
  hash: 'bench:hash',
};

export const LIST_ITEMS = Array.from({ length: 100 }, (_, i) => `item-${String(i).padStart(4, '0')}-${'l'.repeat(20)}`);
export const HASH_FIELDS = Array.from({ length: 100 }, (_, i) => [`field-${String(i).padStart(4, '0')}`, `value-${i}-${'h'.repeat(20)}`]);

export async function seedStandalone(port = PORTS.standalone) {
  await runCommands(port, [
    ['DEL', KEYS.list, KEYS.hash],
    ['SET', KEYS.str, VALUE_100],
    ['SET', KEYS.big100k, VALUE_100K],
    ['SET', KEYS.big1m, VALUE_1M],
    ['RPUSH', KEYS.list, ...LIST_ITEMS],
    ['HSET', KEYS.hash, ...HASH_FIELDS.flat()],
  ]);
}

/** Random cluster keys of workload 7 spread over every slot range (hash tags avoided on purpose). */
export const CLUSTER_KEYSPACE = 10_000;
export const clusterKey = (i) => `bench:c:${i}`;
