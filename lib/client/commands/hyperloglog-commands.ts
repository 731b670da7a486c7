import type { RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { allKeys, firstKey, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asBoolean, asInteger, asOk } from './reply-transforms.js';

// The reply-view parameter every family takes (HyperLogLog replies are numbers only).
export interface HyperLogLogCommands<_S extends StringOrBuffer = string> {
  /** true when the estimated cardinality changed. */
  pfadd(key: RedisKey, ...elements: RedisValue[]): Promise<boolean>;
  /** Estimated cardinality of the union of the keys. */
  pfcount(...keys: RedisKey[]): Promise<number>;
  pfmerge(destination: RedisKey, ...sources: RedisKey[]): Promise<'OK'>;
}

export const hyperLogLogMethods = methodTable<HyperLogLogCommands>({
  pfadd: { params: ['key', '...elements'], args: (key, ...els) => ['PFADD', key, ...els], reply: asBoolean },
  pfcount: { params: ['...keys'], args: (...keys) => ['PFCOUNT', ...keys], reply: asInteger },
  pfmerge: { params: ['destination', '...sources'], args: (dst, ...sources) => ['PFMERGE', dst, ...sources], reply: asOk },
});

export const hyperLogLogCommandSpecs: CommandSpec[] = [
  write('PFADD', firstKey),
  // PFCOUNT may rewrite the cached cardinality, but it is served by replicas as a read.
  read('PFCOUNT', allKeys),
  write('PFMERGE', allKeys),
];
