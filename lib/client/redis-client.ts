import { DEFAULT_CONNECTION_OPTIONS } from '../connection/connection-defaults.js';
import { checkOptionKeys, type OptionKeyList } from '../connection/option-keys.js';
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { ConfigError } from '../errors/index.js';
import { redactSecrets } from '../connection/redact-secrets.js';
import { BlockingConnectionPool } from '../pool/blocking-connection-pool.js';
import { ConnectionPool, type PoolConnectionEventInfo } from '../pool/connection-pool.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import { POOL_OPTION_KEYS, type PoolOptions } from '../pool/pool-options.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { FailedCall, type PipelineResult, type QueuedCall } from './call-recorder.js';
import { ClientCache, type ClientCacheOptions, type ClientCacheStats } from './client-cache.js';
import type { CommandCall } from './commands/command-call.js';
import { Pipeline } from './pipeline.js';
import type { RedisApi, RedisApiEvents } from './redis-api.js';
import { PubSubManager, type MessageListener, type Unsubscribe } from './pubsub-manager.js';
import { runPipeline, runTransaction } from './run-batch.js';
import { scanKeys, type KeyScanOptions } from './scan-iterators.js';
import { ScanningClient } from './scanning-client.js';
import { commandOptionsOf, sendCall } from './send-call.js';
import { Transaction } from './transaction.js';
import { runWatch, watchJob, type WatchBody } from './run-watch.js';

/** Options of `RedisClient` (and `createClient` for a standalone server): pool + connection options and the client's own. */
export interface RedisClientOptions extends PoolOptions {
  /**
   * Run over this pool instead of building one from the other options (Sentinel passes its own). The client owns
   * it: `quit()`/`disconnect()` close it.
   */
  pool?: ConnectionPool;
  /** Wait up to `acquireTimeout` for a leased connection (blocking commands, MULTI, pub/sub) when all are in use. Default true. */
  blockingPool?: boolean;
  /** Opt-in client-side caching of read-only single-key commands (RESP3 only). */
  clientCache?: ClientCacheOptions;
  /** Deliver pub/sub messages as Buffers instead of strings. Default false. */
  pubsubBuffers?: boolean;
}

/** Options of `quit()`. */
export interface QuitOptions {
  /** ms to wait for in-flight commands and leases before closing anyway. Default 5000. */
  timeout?: number;
}

const CLIENT_KEYS = ['pool', 'blockingPool', 'clientCache', 'pubsubBuffers'] as const;
/** Every `RedisClientOptions` key: the pool's (connection's included) and the client's own. */
export const REDIS_CLIENT_OPTION_KEYS: OptionKeyList<RedisClientOptions> = Object.freeze({
  ...POOL_OPTION_KEYS, pool: true, blockingPool: true, clientCache: true, pubsubBuffers: true,
});

/**
 * The command API over one pool: every typed method, `call`, pipelines, transactions, pub/sub, scan iterators and
 * optional client-side caching. Ordinary commands are multiplexed over the pool's shared connection(s); blocking
 * commands (BLPOP, XREAD BLOCK, WAIT, ...) run on a leased connection so they never stall them.
 *
 * Events (`RedisApiEvents`, same names as a connection): `connect`, `ready`, `close`, `reconnecting`, `error` (only
 * emitted when listened to), `end`.
 */
export class RedisClient extends ScanningClient implements RedisApi {
  readonly #pool: ConnectionPool;
  readonly #options: RedisClientOptions;
  readonly #events = new EventEmitter();
  readonly #commandTimeout: number;
  readonly #cache: ClientCache | undefined;
  readonly #pubsub: PubSubManager;

  constructor(given: RedisClientOptions = {}) {
    super();
    if (given === null || typeof given !== 'object') {
      throw new ConfigError(`RedisClient options must be an object, got ${given === null ? 'null' : typeof given}.`);
    }
    const options = standaloneOptions(given);
    checkOptionKeys(options, REDIS_CLIENT_OPTION_KEYS, 'RedisClient options');
    this.#options = options;
    this.#cache = options.clientCache === undefined ? undefined : new ClientCache(options.clientCache);
    if (options.pool !== undefined) {
      if (this.#cache !== undefined) {
        throw new ConfigError('clientCache needs the client to build its own pool: pass connection options instead of pool.');
      }
      this.#pool = options.pool;
    } else {
      this.#pool = buildPool(options, this.#cache !== undefined);
    }
    // The connection's default when none is set: blocking commands, transactions and watch build their deadline on it.
    this.#commandTimeout = this.#pool.options.commandTimeout ?? DEFAULT_CONNECTION_OPTIONS.commandTimeout;
    this.#pubsub = new PubSubManager(this.#pool, {
      buffers: options.pubsubBuffers === true,
      onError: (error) => this.#emitError(error),
    });
    for (const event of ['connect', 'reconnecting', 'end'] as const) {
      this.#pool.on(event, (...args: unknown[]) => this.#events.emit(event, ...args));
    }
    this.#pool.on('error', (error: Error) => this.#emitError(error));
    this.#pool.on('ready', (info: PoolConnectionEventInfo) => {
      if (info.role === 'shared') this.#cache?.flush();
      this.#events.emit('ready', info);
    });
    this.#pool.on('close', (info: PoolConnectionEventInfo) => {
      if (info.role === 'shared') this.#cache?.flush();
      this.#events.emit('close', info);
    });
    if (this.#cache !== undefined) {
      const cache = this.#cache;
      this.#pool.on('push', (frame: RespValue[]) => {
        if (String(frame[0]) === 'invalidate') cache.invalidate(Array.isArray(frame[1]) ? frame[1] : null);
      });
    }
    if (options.lazyConnect !== true && options.pool === undefined) {
      this.#pool.connect().catch((error: unknown) => this.#emitError(error as Error));
    }
  }

  /** The pool under this client (stats, leasing a connection for your own exclusive use). */
  get pool(): ConnectionPool {
    return this.#pool;
  }

  /** Opens the shared connection(s); resolves when ready. Commands sent before are queued, so this is optional. */
  connect(): Promise<void> {
    return this.#pool.connect();
  }

  /** Lets in-flight commands finish (up to `timeout` ms), then closes every connection. */
  async quit(options: QuitOptions = {}): Promise<void> {
    this.#pubsub.close();
    await this.#pool.disconnect({ graceful: true, ...(options.timeout !== undefined ? { timeout: options.timeout } : {}) });
  }

  /** Closes every connection now; in-flight commands fail with ConnectionError. */
  async disconnect(): Promise<void> {
    this.#pubsub.close();
    await this.#pool.disconnect({ graceful: false });
  }

  /** A new client with its own pool and the same options, `overrides` applied. */
  duplicate(overrides: RedisClientOptions = {}): RedisClient {
    const base: RedisClientOptions = { ...this.#options };
    if (base.pool !== undefined) {
      const { pool } = base;
      delete base.pool;
      Object.assign(base, pool.options, { blockingPool: pool instanceof BlockingConnectionPool });
    }
    return new RedisClient({ ...base, ...overrides });
  }

  /** Commands queued on a pipeline are sent in one write on one shared connection; results typed per position. */
  pipeline(): Pipeline {
    return new Pipeline((queued) => this.#execPipeline(queued));
  }

  /** A MULTI/EXEC transaction, run on a leased connection. */
  multi(): Transaction {
    return new Transaction((queued) => this.#pool.withConnection((conn) => runTransaction(conn, queued)));
  }

  /**
   * Optimistic locking: leases one connection, WATCHes `keys`, runs `fn` (read through `tx`, then queue writes on
   * `tx.multi()`), and EXECs the queued transaction. Resolves with its results, or null when `fn` queued nothing.
   * Rejects with `WatchError` when a watched key changed meanwhile (retry then). The connection is always released;
   * on failure the keys are UNWATCHed (or the connection closed).
   */
  watch(keys: RedisArg | readonly RedisArg[], fn: WatchBody): Promise<PipelineResult | null> {
    const job = watchJob(keys, this.#commandTimeout, fn);
    return this.#pool.withConnection((conn) => runWatch(conn, job));
  }

  // ---- pub/sub -----------------------------------------------------------------------------------------------

  /** Listens to channels; resolves once subscribed with a function that removes this listener. */
  subscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#pubsub.subscribe('channel', channels, listener as MessageListener<string>);
  }

  /** Listens to glob patterns (PSUBSCRIBE); the listener's third argument is the matching pattern. */
  psubscribe<M extends string | Buffer = string>(patterns: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#pubsub.subscribe('pattern', patterns, listener as MessageListener<string>);
  }

  /** Listens to shard channels (SSUBSCRIBE, Redis 7). */
  ssubscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#pubsub.subscribe('shard', channels, listener as MessageListener<string>);
  }

  /** Removes `listener` (or all listeners) from `channels` (or every channel). */
  unsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#pubsub.unsubscribe('channel', channels, listener);
  }

  punsubscribe(patterns?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#pubsub.unsubscribe('pattern', patterns, listener);
  }

  sunsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#pubsub.unsubscribe('shard', channels, listener);
  }

  // ---- scan iterators ----------------------------------------------------------------------------------------

  /** Every key (SCAN), optionally filtered by MATCH pattern and TYPE. */
  scanIterator(options: KeyScanOptions = {}): AsyncGenerator<string> {
    return scanKeys((args) => this.callArgs(args), options);
  }

  // ---- client-side cache -------------------------------------------------------------------------------------

  /** Hits, misses and size of the client-side cache (undefined when `clientCache` is off). */
  cacheStats(): ClientCacheStats | undefined {
    return this.#cache?.stats();
  }

  // ---- events ------------------------------------------------------------------------------------------------
  // Typed by `RedisApiEvents`; the string form stays for code written before the event map.

  on<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
  on(event: string, listener: (...args: never[]) => void): this;
  on(event: string, listener: (...args: never[]) => void): this {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
  once(event: string, listener: (...args: never[]) => void): this;
  once(event: string, listener: (...args: never[]) => void): this {
    this.#events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this;
  off(event: string, listener: (...args: never[]) => void): this;
  off(event: string, listener: (...args: never[]) => void): this {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners(event?: string): this {
    this.#events.removeAllListeners(event);
    return this;
  }

  listenerCount(event: string): number {
    return this.#events.listenerCount(event);
  }

  /** What `JSON.stringify` (pino, Nest's JSON logger) and `util.inspect` show: endpoint and stats, never options. */
  toJSON(): unknown {
    const pool = this.#pool;
    return redactSecrets({ endpoint: pool.endpointLabel, closed: pool.closed, pool: pool.stats(), cache: this.#cache?.stats() });
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    return `RedisClient ${insp(this.toJSON(), { ...opts, depth })}`;
  }

  // ---- execution ---------------------------------------------------------------------------------------------

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    if (call.blocking === true) {
      return this.#pool.withConnection((conn) => sendCall(conn, call, this.#commandTimeout), {
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
      });
    }
    // SUBSCRIBE, MULTI, SELECT, MONITOR ... are refused by the pool's shared connection (UnsafeCommandError naming
    // the API to use instead); the client keeps no list of its own.
    if (this.#cache !== undefined) {
      const slot = this.#cache.slotFor(call);
      if (slot !== undefined) return this.#cached(call, slot);
    }
    return sendCall(this.#pool, call, this.#commandTimeout);
  }

  async #cached<T>(call: CommandCall<T>, slot: NonNullable<ReturnType<ClientCache['slotFor']>>): Promise<T> {
    const cache = this.#cache!;
    const hit = cache.get(slot);
    let reply: RespValue;
    if (hit !== undefined) reply = hit.value;
    else {
      cache.beginRead(slot);
      try {
        reply = await this.#pool.sendCommand<RespValue>(call.args, commandOptionsOf(call, this.#commandTimeout));
      } catch (error) {
        cache.endRead(slot);
        throw error;
      }
      cache.endRead(slot, { value: reply });
    }
    return call.transform === undefined ? (reply as T) : call.transform(reply);
  }

  async #execPipeline(queued: readonly QueuedCall[]): Promise<PipelineResult> {
    // A blocking command would stall the shared connection for everyone: run such a batch on a leased one.
    if (queued.some((q) => !(q instanceof FailedCall) && q.blocking === true)) {
      return this.#pool.withConnection((conn: PoolConnection) => runPipeline(conn, queued, this.#commandTimeout));
    }
    return runPipeline(this.#pool.sharedConnection(), queued, this.#commandTimeout);
  }

  #emitError(error: Error): void {
    if (this.#events.listenerCount('error') > 0) this.#events.emit('error', error);
  }
}

/**
 * `parseRedisUrl()` output says its topology: 'standalone' is this client's, and dropped; another one would connect
 * to a default host instead of the sentinels or nodes it names, so it is refused.
 */
function standaloneOptions(given: RedisClientOptions): RedisClientOptions {
  if (!Object.hasOwn(given, 'topology')) return given;
  const { topology, ...options } = given as RedisClientOptions & { topology?: unknown };
  if (topology !== undefined && topology !== 'standalone') {
    throw new ConfigError(
      `RedisClient is the standalone client; options with topology '${String(topology)}' need createClient(options), ` +
        'or createClient(url) for a URL.',
    );
  }
  return options;
}

function buildPool(options: RedisClientOptions, tracking: boolean): ConnectionPool {
  const poolOptions: PoolOptions = { ...options, lazyConnect: true };
  for (const key of CLIENT_KEYS) delete (poolOptions as Record<string, unknown>)[key];
  // Binary-safe pub/sub: the decoder must produce Buffers for pushes (re-encoding a string loses invalid UTF-8).
  if (options.pubsubBuffers === true) poolOptions.pushBuffers = true;
  if (tracking) {
    if (options.protocol === 2) {
      throw new ConfigError('clientCache needs RESP3 (invalidation pushes): remove protocol: 2 or clientCache.');
    }
    const user = options.afterHandshake;
    poolOptions.afterHandshake = async (send, endpoint) => {
      if (user !== undefined) await user(send, endpoint);
      await send(['CLIENT', 'TRACKING', 'ON']);
    };
  }
  return options.blockingPool === false ? new ConnectionPool(poolOptions) : new BlockingConnectionPool(poolOptions);
}
