import type { RespValue } from '../../protocol/resp-value.js';
import type { RedisValue, StringOrBuffer } from './command-types.js';
import { allKeys, container, firstKey, keyRange, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asBulkArray, asInteger, asPairs, asText, newRecord } from './reply-transforms.js';

/** Publishing and introspection only; subscribing lives on the client (it needs a dedicated connection). */
export interface PubSubCommands<S extends StringOrBuffer = string> {
  /** Number of clients that received the message (in a cluster: on the receiving node only). */
  publish(channel: RedisValue, message: RedisValue): Promise<number>;
  /** Sharded publish (Redis 7): routed by the channel's slot. */
  spublish(shardChannel: RedisValue, message: RedisValue): Promise<number>;
  pubsubChannels(pattern?: string): Promise<S[]>;
  /** Subscriber count per channel. */
  pubsubNumsub(...channels: string[]): Promise<Record<string, number>>;
  pubsubNumpat(): Promise<number>;
  pubsubShardchannels(pattern?: string): Promise<S[]>;
  pubsubShardnumsub(...channels: string[]): Promise<Record<string, number>>;
}

function asCounts(reply: RespValue): Record<string, number> {
  const out = newRecord<number>();
  for (const [k, v] of asPairs(reply)) out[asText(k)] = asInteger(v);
  return out;
}

export const pubSubMethods = methodTable<PubSubCommands>({
  publish: { params: ['channel', 'message'], args: (channel, message) => ['PUBLISH', channel, message], reply: asInteger },
  spublish: { params: ['shardChannel', 'message'], args: (channel, message) => ['SPUBLISH', channel, message], reply: asInteger },
  pubsubChannels: { params: ['pattern?'], args: (p) => (p === undefined ? ['PUBSUB', 'CHANNELS'] : ['PUBSUB', 'CHANNELS', p]), reply: asBulkArray },
  pubsubNumsub: { params: ['...channels'], args: (...channels) => ['PUBSUB', 'NUMSUB', ...channels], reply: asCounts },
  pubsubNumpat: { params: [], args: () => ['PUBSUB', 'NUMPAT'], reply: asInteger },
  pubsubShardchannels: {
    params: ['pattern?'],
    args: (p) => (p === undefined ? ['PUBSUB', 'SHARDCHANNELS'] : ['PUBSUB', 'SHARDCHANNELS', p]),
    reply: asBulkArray,
  },
  pubsubShardnumsub: { params: ['...channels'], args: (...channels) => ['PUBSUB', 'SHARDNUMSUB', ...channels], reply: asCounts },
});

export const pubSubCommandSpecs: CommandSpec[] = [
  write('PUBLISH'),
  // The shard channel is routed like a key.
  write('SPUBLISH', firstKey),
  read('SUBSCRIBE'),
  read('UNSUBSCRIBE'),
  read('PSUBSCRIBE'),
  read('PUNSUBSCRIBE'),
  read('SSUBSCRIBE', allKeys),
  read('SUNSUBSCRIBE', allKeys),
  container('PUBSUB', [
    read('CHANNELS'), read('NUMSUB'), read('NUMPAT'), read('SHARDCHANNELS'),
    // Shard channels live on their slot's primary: routed by the channels, as SPUBLISH is.
    read('SHARDNUMSUB', keyRange(2, -1)), read('HELP'),
  ]),
];
