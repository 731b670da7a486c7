import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { ConnectionClosedError, type IRedisClient } from 'bullmq';
import { ClusterClient, ConnectionError, ResponseError, type RedisArg, type RespValue } from '../index.js';
import { BullMQBatch } from './bullmq-batch.js';
import { clusterNodeViews } from './cluster-node-view.js';
import type { BullMQRedis } from './bullmq-redis.interface.js';
import { flatWithScores, hashObject, intOrNull, popTuple, scoreText, streamsArray, textOf } from './ioredis-replies.js';
import { LuaScripts, scriptArgs } from './lua-scripts.js';

interface Setup {
  /** The client commands run on (the caller's, for the root connection). */
  client: BullMQRedis | undefined;
  /** Duplicates are made from this one (the caller's client). */
  origin: BullMQRedis;
  /** True for duplicates: this connection made its client and closes it. */
  owned: boolean;
  scripts: LuaScripts;
  clientName?: string;
}

/**
 * BullMQ's `IRedisClient` over a redwire client. The connection handed to BullMQ runs on the caller's client and
 * never closes it; the duplicates BullMQ makes (a worker's main and blocking connections, queue events) are
 * `duplicate()`s of that client which this adapter opens and closes. Blocking reads (BZPOPMIN, XREAD BLOCK) run on
 * leased connections and are aborted by `disconnect()`/`quit()`, which is how BullMQ interrupts a waiting worker.
 */
export class BullMQConnection extends EventEmitter implements IRedisClient {
  /** 'wait' (not connected yet), 'connecting', 'ready', 'end': the vocabulary BullMQ waits on. */
  status = 'wait';
  readonly isCluster: boolean;
  /** What BullMQ inspects (keyPrefix, maxRetriesPerRequest): nothing of the client's own options, so no secret. */
  options: Record<string, unknown>;
  #client: BullMQRedis | undefined;
  readonly #origin: BullMQRedis;
  readonly #owned: boolean;
  readonly #scripts: LuaScripts;
  #clientName: string | undefined;
  #abort = new AbortController();
  #connecting: Promise<void> | undefined;
  /** Clients replaced by clientSetName, still closing. */
  #retiring: Promise<void>[] = [];
  readonly #onClientError = (error: Error): void => {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  };

  constructor(setup: Setup) {
    super();
    this.#origin = setup.origin;
    this.#owned = setup.owned;
    this.#scripts = setup.scripts;
    this.#clientName = setup.clientName;
    this.isCluster = setup.origin instanceof ClusterClient;
    this.options = this.isCluster ? { redisOptions: {} } : {};
    if (setup.client !== undefined) this.#attach(setup.client);
  }

  // ---- lifecycle ---------------------------------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.status = 'connecting';
    try {
      await this.#ensureClient().connect();
    } catch (error) {
      this.status = 'wait';
      throw error;
    }
    this.status = 'ready';
    this.emit('ready');
  }

  /** Ends this connection now: blocking reads are aborted; a duplicate's client is closed (in the background). */
  disconnect(reconnect = false): void {
    const closing = this.#end(false);
    void closing.then(() => {
      this.#ended();
      if (reconnect) {
        this.emit('reconnecting');
        this.connect().catch(this.#onClientError);
      }
    });
  }

  /** Ends this connection gracefully (in-flight commands answered first); a duplicate's client is closed. */
  async quit(): Promise<string> {
    await this.#end(true);
    this.#ended();
    return 'OK';
  }

  async #end(graceful: boolean): Promise<void> {
    this.status = 'end';
    this.#abort.abort();
    const client = this.#client;
    const retiring = this.#retiring.splice(0);
    if (this.#owned && client !== undefined) {
      this.#detach();
      retiring.push((graceful ? client.quit() : client.disconnect()).catch(this.#onClientError));
    }
    await Promise.all(retiring);
  }

  #ended(): void {
    this.emit('close');
    this.emit('end');
  }

  /** A connection of its own over `duplicate()` of the caller's client, opened when BullMQ connects it. */
  duplicate(options?: { connectionName?: string }): BullMQConnection {
    const scripts = new LuaScripts();
    this.#scripts.copyTo(scripts);
    return new BullMQConnection({
      client: undefined,
      origin: this.#origin,
      owned: true,
      scripts,
      ...(options?.connectionName !== undefined ? { clientName: options.connectionName } : {}),
    });
  }

  /**
   * Cluster mode: BullMQ lists the clients of every node (getWorkers) through these, one per primary. Before the
   * slot table is known, this connection stands for them (an empty list would make BullMQ reconnect it).
   */
  nodes(): IRedisClient[] {
    const client = this.#client ?? this.#origin;
    const views = client instanceof ClusterClient ? clusterNodeViews(client) : [];
    return views.length > 0 ? views : [this];
  }

  #ensureClient(): BullMQRedis {
    if (this.#client === undefined || (this.#owned && this.status === 'end')) {
      const overrides = { lazyConnect: true, ...(this.#clientName !== undefined ? { clientName: this.#clientName } : {}) };
      this.#attach(this.#origin.duplicate(overrides));
    }
    return this.#client!;
  }

  #attach(client: BullMQRedis): void {
    this.#client = client;
    client.on('error', this.#onClientError);
  }

  #detach(): void {
    this.#client?.off('error', this.#onClientError);
  }

  /** The client to run a command on; after the end, commands fail the way BullMQ recognises as "closed". */
  #use(): BullMQRedis {
    if (this.#client === undefined) throw new ConnectionClosedError('BullMQ connection is not connected yet: BullMQ connects it before use.');
    return this.#client;
  }

  async #run<T>(fn: (client: BullMQRedis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#use());
    } catch (error) {
      if (this.status === 'end' && error instanceof ConnectionError) {
        throw new ConnectionClosedError(`Connection is closed (${error.message})`, error);
      }
      throw error;
    }
  }

  /** A blocking read: aborted by disconnect()/quit(), which then resolves null as ioredis does on a closed socket. */
  async #blocking(args: RedisArg[]): Promise<RespValue> {
    const signal = this.#abort.signal;
    try {
      return await this.#use().withOptions({ signal }).call(String(args[0]), ...args.slice(1));
    } catch (error) {
      if (signal.aborted) return null;
      throw error;
    }
  }

  #call(command: string, ...args: RedisArg[]): Promise<RespValue> {
    return this.#run((client) => client.call(command, ...args));
  }

  // ---- scripts -----------------------------------------------------------------------------------------------

  defineCommand(name: string, definition: { numberOfKeys: number; lua: string; readOnly?: boolean }): void {
    this.#scripts.define(name, definition);
  }

  /** EVALSHA, and on NOSCRIPT (a fresh server, a promoted replica) one EVAL, which caches the script there. */
  runCommand(name: string, args: unknown[]): Promise<unknown> {
    const script = this.#scripts.get(name);
    const rest = scriptArgs(args);
    return this.#run(async (client) => {
      try {
        return await client.call('EVALSHA', script.sha, script.numberOfKeys, ...rest);
      } catch (error) {
        if (!(error instanceof ResponseError) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.call('EVAL', script.lua, script.numberOfKeys, ...rest);
      }
    });
  }

  multi(): BullMQBatch {
    return new BullMQBatch(this.#use(), { atomic: true, scripts: this.#scripts, cluster: this.isCluster });
  }

  pipeline(): BullMQBatch {
    return new BullMQBatch(this.#use(), { atomic: false, scripts: this.#scripts, cluster: this.isCluster });
  }

  // ---- commands, in the reply shapes BullMQ expects (ioredis on RESP2) --------------------------------------

  async hgetall(key: string): Promise<Record<string, string>> {
    return hashObject(await this.#call('HGETALL', key)) as Record<string, string>;
  }

  async hget(key: string, field: string): Promise<string | null> {
    return (await this.#call('HGET', key, field)) as string | null;
  }

  async hmget(key: string, ...fields: string[]): Promise<(string | null)[]> {
    return (await this.#call('HMGET', key, ...fields)) as (string | null)[];
  }

  async hset(key: string, data: Record<string, string | number>): Promise<number> {
    return Number(await this.#call('HSET', key, ...Object.entries(data).flat()));
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    return Number(await this.#call('HDEL', key, ...fields));
  }

  async hexists(key: string, field: string): Promise<number> {
    return Number(await this.#call('HEXISTS', key, field));
  }

  async get(key: string): Promise<string | null> {
    return (await this.#call('GET', key)) as string | null;
  }

  async set(key: string, value: string | number, options?: { PX?: number; EX?: number }): Promise<string | null> {
    const expiry: RedisArg[] = options?.PX != null ? ['PX', options.PX] : options?.EX != null ? ['EX', options.EX] : [];
    return (await this.#call('SET', key, value, ...expiry)) as string | null;
  }

  async del(...keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.#run((client) => client.del(...keys));
  }

  async zrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    if (options?.WITHSCORES !== true) return (await this.#call('ZRANGE', key, start, end)) as string[];
    return flatWithScores(await this.#call('ZRANGE', key, start, end, 'WITHSCORES'));
  }

  async zrevrange(key: string, start: number, end: number, options?: { WITHSCORES?: boolean }): Promise<string[]> {
    if (options?.WITHSCORES !== true) return (await this.#call('ZREVRANGE', key, start, end)) as string[];
    return flatWithScores(await this.#call('ZREVRANGE', key, start, end, 'WITHSCORES'));
  }

  async zcard(key: string): Promise<number> {
    return Number(await this.#call('ZCARD', key));
  }

  async zscore(key: string, member: string): Promise<string | null> {
    return scoreText(await this.#call('ZSCORE', key, member));
  }

  async lrange(key: string, start: number, end: number): Promise<string[]> {
    return (await this.#call('LRANGE', key, start, end)) as string[];
  }

  async llen(key: string): Promise<number> {
    return Number(await this.#call('LLEN', key));
  }

  async ltrim(key: string, start: number, end: number): Promise<string> {
    return textOf(await this.#call('LTRIM', key, start, end));
  }

  async lpos(key: string, value: string): Promise<number | null> {
    return intOrNull(await this.#call('LPOS', key, value));
  }

  async smembers(key: string): Promise<string[]> {
    return (await this.#call('SMEMBERS', key)) as string[];
  }

  async xadd(key: string, id: string, fields: Record<string, string | number>, options?: { MAXLEN?: number; approximate?: boolean }): Promise<string> {
    const trim: RedisArg[] = options?.MAXLEN != null ? ['MAXLEN', ...(options.approximate === false ? [] : ['~']), options.MAXLEN] : [];
    return textOf(await this.#call('XADD', key, ...trim, id, ...Object.entries(fields).flat()));
  }

  async xread(streams: { key: string; id: string }[], options?: { BLOCK?: number; COUNT?: number }): Promise<unknown> {
    const args: RedisArg[] = ['XREAD'];
    if (options?.COUNT != null) args.push('COUNT', options.COUNT);
    if (options?.BLOCK != null) args.push('BLOCK', options.BLOCK);
    args.push('STREAMS', ...streams.map((s) => s.key), ...streams.map((s) => s.id));
    const reply = options?.BLOCK != null ? await this.#blocking(args) : await this.#call(String(args[0]), ...args.slice(1));
    return streamsArray(reply);
  }

  async xtrim(key: string, strategy: 'MAXLEN', threshold: number, options?: { approximate?: boolean }): Promise<number> {
    return Number(await this.#call('XTRIM', key, strategy, ...(options?.approximate === false ? [] : ['~']), threshold));
  }

  async bzpopmin(key: string, timeout: number): Promise<[key: string, member: string, score: string] | null> {
    return popTuple(await this.#blocking(['BZPOPMIN', key, timeout]));
  }

  async info(): Promise<string> {
    return textOf(await this.#call('INFO'));
  }

  /**
   * Names this connection. A duplicate moves to a new client carrying the name (a redwire pool names every
   * connection in its handshake): commands queue on it while it connects, the old one closes gracefully. The
   * caller's own client refuses, as its shared connection would be renamed for everyone.
   */
  async clientSetName(name: string): Promise<string> {
    if (!this.#owned) return textOf(await this.#call('CLIENT', 'SETNAME', name));
    this.#clientName = name;
    const old = this.#client;
    if (old !== undefined && this.status !== 'end') {
      this.#detach();
      this.#client = undefined;
      this.#ensureClient().connect().catch(this.#onClientError);
      this.#retiring.push(old.quit().catch(this.#onClientError));
    }
    return 'OK';
  }

  async clientList(): Promise<string> {
    return textOf(await this.#call('CLIENT', 'LIST'));
  }

  async clientInfo(): Promise<string> {
    return textOf(await this.#call('CLIENT', 'INFO'));
  }

  scan(cursor: string | number, options: { MATCH?: string; COUNT?: number }): Promise<[string, string[]]> {
    return this.#run((client) => client.scan(cursor, options));
  }

  /** SCAN as a stream of key pages (what ioredis' scanStream emits). */
  scanStream(options: { match: string; count?: number }): Readable {
    const scanOptions = { MATCH: options.match, ...(options.count !== undefined ? { COUNT: options.count } : {}) };
    const scan = (cursor: string): Promise<[string, string[]]> => this.scan(cursor, scanOptions);
    return Readable.from(
      (async function* pages(): AsyncGenerator<string[]> {
        let cursor = '0';
        do {
          const [next, keys] = await scan(cursor);
          cursor = next;
          if (keys.length > 0) yield keys;
        } while (cursor !== '0');
      })(),
    );
  }
}

/**
 * The connection to give BullMQ (`new Queue(name, { connection })`, `Worker`, `QueueEvents`, `FlowProducer`,
 * `BullModule.forRoot({ connection })`) over a redwire client: standalone, Sentinel or Cluster (with a hash-tagged
 * `prefix` such as `'{bull}'`). BullMQ never closes `client`; close it yourself after closing the queues.
 */
export function createBullMQConnection(client: BullMQRedis): IRedisClient {
  return new BullMQConnection({ client, origin: client, owned: false, scripts: new LuaScripts() });
}
