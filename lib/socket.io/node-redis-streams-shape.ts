import { DataError } from '../errors/index.js';
import type { RedisApi, StreamEntry, StreamMessages } from '../index.js';
import { NodeRedisShape } from './node-redis-shape.js';

/** The client `duplicate()` the adapter asks for: the caller's client duplicated with pub/sub messages as Buffers. */
export type DuplicateFn = () => RedisApi;

interface XReadStream {
  key: string;
  id: string;
}

interface XReadOptions {
  COUNT?: number;
  BLOCK?: number;
}

interface XAddTrim {
  TRIM?: { strategy: 'MAXLEN' | 'MINID'; strategyModifier?: '~' | '='; threshold: number | string };
}

/** node-redis' transaction chain, as far as the adapter uses it. */
interface NodeRedisMulti {
  get(key: string): NodeRedisMulti;
  del(key: string): NodeRedisMulti;
  exec(): Promise<unknown[]>;
}

interface NodeRedisEntry {
  id: string;
  message: Record<string, string>;
}

function only(what: string, given: object, allowed: readonly string[]): void {
  const unknown = Object.keys(given).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new DataError(`redwire/socket.io/streams: ${what} option(s) ${unknown.join(', ')} are not supported (only ${allowed.join(', ')}).`);
  }
}

const asEntry = ({ id, fields }: StreamEntry): NodeRedisEntry => ({ id, message: fields });

/**
 * The node-redis v4 shape `@socket.io/redis-streams-adapter` drives, over a redwire client: the pub/sub part of
 * `NodeRedisShape` plus `xRead` (blocking, on its own duplicated client), `xAdd` with MAXLEN trimming, `xRange`,
 * `set` with PX and `multi().get().del().exec()` for connection state recovery, and `duplicate` / `connect` /
 * `disconnect`. Duplicates are tracked so the factory can close them all.
 */
export class NodeRedisStreamsShape extends NodeRedisShape {
  readonly #client: RedisApi;
  readonly #duplicate: DuplicateFn;
  readonly #duplicates: Set<NodeRedisStreamsShape>;
  #closed = false;

  constructor(client: RedisApi, duplicate: DuplicateFn, duplicates = new Set<NodeRedisStreamsShape>()) {
    super(client);
    this.#client = client;
    this.#duplicate = duplicate;
    this.#duplicates = duplicates;
  }

  /** A new shape over a duplicate of the caller's client (the adapter's stream readers and its subscriber). */
  duplicate(): NodeRedisStreamsShape {
    const shape = new NodeRedisStreamsShape(this.#duplicate(), this.#duplicate, this.#duplicates);
    this.#duplicates.add(shape);
    return shape;
  }

  connect(): Promise<void> {
    return this.#client.connect();
  }

  /** The adapter disconnects its readers once its namespaces are closed; the caller's own client is never closed here. */
  async disconnect(): Promise<void> {
    if (!this.#duplicates.has(this) || this.#closed) return;
    this.#closed = true;
    this.#duplicates.delete(this);
    this.detach();
    await this.#client.quit().catch(() => undefined);
  }

  /**
   * XREAD [COUNT] [BLOCK] STREAMS, replies as node-redis gives them. Once this reader is closed it returns a promise
   * that never settles: the adapter's read loop (which re-polls on any error) then stops instead of spinning.
   */
  async xRead(streams: XReadStream | XReadStream[], options: XReadOptions = {}): Promise<{ name: string; messages: NodeRedisEntry[] }[] | null> {
    only('xRead', options, ['COUNT', 'BLOCK']);
    if (this.#closed) return new Promise<never>(() => undefined);
    const list = Array.isArray(streams) ? streams : [streams];
    const reply = await this.#client.xread(list.map(({ key, id }) => [key, id] as [string, string]), options);
    if (reply === null) return null;
    return reply.map(({ name, messages }: StreamMessages) => ({ name, messages: messages.map(asEntry) }));
  }

  xAdd(key: string, id: string, message: Record<string, string>, options: XAddTrim = {}): Promise<string | null> {
    only('xAdd', options, ['TRIM']);
    const trim = options.TRIM;
    if (trim === undefined) return this.#client.xadd(key, id, message);
    only('xAdd TRIM', trim, ['strategy', 'strategyModifier', 'threshold']);
    const approximate = trim.strategyModifier === '~';
    return trim.strategy === 'MAXLEN'
      ? this.#client.xadd(key, id, message, { MAXLEN: Number(trim.threshold), approximate })
      : this.#client.xadd(key, id, message, { MINID: String(trim.threshold), approximate });
  }

  async xRange(key: string, start: string, end: string): Promise<NodeRedisEntry[]> {
    return (await this.#client.xrange(key, start, end)).map(asEntry);
  }

  set(key: string, value: string, options: { PX?: number } = {}): Promise<'OK' | null> {
    only('set', options, ['PX']);
    return options.PX === undefined ? this.#client.set(key, value) : this.#client.set(key, value, { PX: options.PX });
  }

  /** The adapter's GETDEL on servers older than 6.2: `multi().get(key).del(key).exec()`, results as node-redis gives them. */
  multi(): NodeRedisMulti {
    const tx = this.#client.multi();
    const chain: NodeRedisMulti = {
      get: (key: string) => (tx.get(key), chain),
      del: (key: string) => (tx.del(key), chain),
      exec: async (): Promise<unknown[]> =>
        (await tx.exec()).map(([error, result]) => {
          if (error) throw error;
          return result;
        }),
    };
    return chain;
  }
}
