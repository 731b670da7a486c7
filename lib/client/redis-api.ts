import type { RedisArg } from '../protocol/resp-value.js';
import type { ScoredMember } from './commands/command-types.js';
import type { RedisCommands } from './commands/redis-commands.js';
import type { Pipeline } from './pipeline.js';
import type { MessageListener, Unsubscribe } from './pubsub-manager.js';
import type { KeyScanOptions, ScanOptions } from './scan-iterators.js';
import type { Transaction } from './transaction.js';

/**
 * The whole command API a user sees, whatever the topology: typed methods and `call` (`RedisCommands`), plus
 * pipelines, transactions, pub/sub and scan iterators. `RedisClient` implements it; `ClusterClient` should too, so
 * `@InjectRedis()` code does not change between standalone, Sentinel and Cluster. `Pipeline`/`Transaction` take a
 * batch runner in their constructor, so another client can reuse them with its own routing.
 */
export interface RedisApi extends RedisCommands {
  pipeline(): Pipeline;
  multi(): Transaction;
  subscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  psubscribe<M extends string | Buffer = string>(patterns: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  ssubscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  unsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;
  punsubscribe(patterns?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;
  sunsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;
  scanIterator(options?: KeyScanOptions): AsyncGenerator<string>;
  hscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<[string, string]>;
  sscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<string>;
  zscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<ScoredMember>;
  connect(): Promise<void>;
  /** Graceful: in-flight commands finish first. */
  quit(): Promise<void>;
  /** Immediate. */
  disconnect(): Promise<void>;
}
