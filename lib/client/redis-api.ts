import type { ReconnectingEvent } from '../connection/connection.js';
import type { PoolConnectionEventInfo } from '../pool/connection-pool.js';
import type { RedisArg } from '../protocol/resp-value.js';
import type { PipelineApi, TransactionApi } from './batch-api.js';
import type { PipelineResult } from './call-recorder.js';
import type { CallOptions } from './commands/command-call.js';
import type { ScoredMember } from './commands/command-types.js';
import type { RedisCommands } from './commands/redis-commands.js';
import type { MessageListener, Unsubscribe } from './pubsub-manager.js';
import type { KeyScanOptions, ScanOptions } from './scan-iterators.js';
import type { WatchBody } from './run-watch.js';

/**
 * Events of a client, whatever the topology. `connect` / `ready` / `close` carry the endpoint (a Cluster node's
 * address) and the connection's role; `error` is only emitted when someone listens; `end`: the client is closed
 * (or a standalone / Sentinel client's shared connection gave up for good).
 */
export interface RedisApiEvents {
  connect: (info: PoolConnectionEventInfo) => void;
  ready: (info: PoolConnectionEventInfo) => void;
  close: (info: PoolConnectionEventInfo) => void;
  reconnecting: (details: ReconnectingEvent) => void;
  error: (error: Error) => void;
  end: () => void;
}

/**
 * The whole client API, whatever the topology: typed methods and `call` (`RedisCommands`), pipelines and
 * transactions typed per queued command, optimistic locking (`watch`), pub/sub (channels, patterns, shard
 * channels), scan iterators, `duplicate`, lifecycle and events. `RedisClient` (standalone and Sentinel) and
 * `ClusterClient` implement it, `createClient()` returns it and `@InjectRedis()` injects it, so service code does
 * not change when the configuration moves between standalone, Sentinel and Cluster.
 *
 * Where Cluster differs at runtime, the types are the same and the difference is an error: a transaction or
 * `watch` whose keys span hash slots rejects with `CrossSlotError` (use one `{hash tag}`); pipelines may span slots.
 */
export interface RedisApi extends RedisCommands {
  /** Commands sent together; `exec()` resolves `[error, result]` per command, typed per position. */
  pipeline(): PipelineApi;
  /** MULTI/EXEC; `exec()` resolves `[error, result]` per command, typed per position. */
  multi(): TransactionApi;
  /**
   * Optimistic locking: WATCHes `keys` on one connection, runs `fn` (read through `tx`, queue writes on
   * `tx.multi()`), EXECs what it queued. Resolves with its results, or null when `fn` queued nothing; rejects with
   * `WatchError` when a watched key changed meanwhile (retry then).
   */
  watch(keys: RedisArg | readonly RedisArg[], fn: WatchBody): Promise<PipelineResult | null>;

  /** Listens to channels; resolves once subscribed with a function that removes this listener. */
  subscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  /** Listens to glob patterns (PSUBSCRIBE); the listener's third argument is the matching pattern. */
  psubscribe<M extends string | Buffer = string>(patterns: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  /** Listens to shard channels (SSUBSCRIBE, Redis 7); on Cluster on the node owning each channel's slot. */
  ssubscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe>;
  /** Removes `listener` (or every listener) from `channels` (or from every channel). */
  unsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;
  punsubscribe(patterns?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;
  sunsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void>;

  /** Every key (SCAN; on Cluster every primary in turn), optionally filtered by MATCH pattern and TYPE. */
  scanIterator(options?: KeyScanOptions): AsyncGenerator<string>;
  hscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<[string, string]>;
  sscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<string>;
  zscanIterator(key: RedisArg, options?: ScanOptions): AsyncGenerator<ScoredMember>;

  /** A view whose replies carry Buffers instead of strings (same connections). */
  withBuffers(): RedisCommands<Buffer>;
  /** A view whose every command carries these options (an AbortSignal, a timeout in ms). */
  withOptions(options: Omit<CallOptions, 'returnBuffers'>): RedisCommands;

  /** A new, independent client of the same kind and options (its own connections: subscribers, blocking work). */
  duplicate(): RedisApi;
  /** Opens the connections; resolves when ready. Commands sent before are queued, so this is optional. */
  connect(): Promise<void>;
  /** Graceful: in-flight commands finish first (up to `timeout` ms, default 5000). */
  quit(options?: { timeout?: number }): Promise<void>;
  /** Immediate: in-flight commands fail with ConnectionError. */
  disconnect(): Promise<void>;

  on<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
  once<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
  off<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
}
