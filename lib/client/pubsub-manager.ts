import { ResponseError } from '../errors/index.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import type { PoolConnection } from '../pool/pool-connection.js';
import type { RespValue } from '../protocol/resp-value.js';

/** Channels (SUBSCRIBE), patterns (PSUBSCRIBE) or shard channels (SSUBSCRIBE). */
export type PubSubFamily = 'channel' | 'pattern' | 'shard';

/**
 * Called for each message. `channel` is where it was published; `pattern` is the matching pattern for
 * `psubscribe` listeners. `message` is a string, or a Buffer when the client has `pubsubBuffers: true`.
 */
export type MessageListener<M extends string | Buffer = string> = (message: M, channel: string, pattern?: string) => void;

/** Removes the listener (and unsubscribes channels left without listeners). */
export type Unsubscribe = () => Promise<void>;

/** The Unsubscribe handed to a subscriber: runs `undo` on the first call only (later calls resolve at once). */
export function unsubscribeOnce(undo: Unsubscribe): Unsubscribe {
  let done = false;
  return () => {
    if (done) return Promise.resolve();
    done = true;
    return undo();
  };
}

const COMMANDS: Record<PubSubFamily, [string, string]> = {
  channel: ['SUBSCRIBE', 'UNSUBSCRIBE'],
  pattern: ['PSUBSCRIBE', 'PUNSUBSCRIBE'],
  shard: ['SSUBSCRIBE', 'SUNSUBSCRIBE'],
};
const FAMILIES: readonly PubSubFamily[] = ['channel', 'pattern', 'shard'];

// Listeners are stored type-erased; the client's `pubsubBuffers` decides what they receive.
type AnyListener = MessageListener<string> | MessageListener<Buffer>;

/** Valkey 8.0's answer to an (P|S)UNSUBSCRIBE on a socket subscribed to nothing (Redis confirms it instead). */
function isNotSubscribed(error: unknown): boolean {
  return error instanceof ResponseError && error.prefix === 'NOSUB';
}

function text(value: RespValue | undefined): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : String(value);
}

/**
 * Subscriptions of one client, on one dedicated leased connection (RESP2 and RESP3 alike), held while anything
 * is subscribed and released when nothing is. With `buffers`, messages are handed over as the Buffers the connection
 * decoded: the pool's connections need `pushBuffers: true` for payloads that are not valid
 * UTF-8 to arrive intact. After a reconnect every channel, pattern and shard channel is
 * subscribed again; if the connection is lost for good, a new one is leased and everything resubscribed.
 */
export class PubSubManager {
  readonly #pool: ConnectionPool;
  readonly #buffers: boolean;
  readonly #onError: (error: Error) => void;
  readonly #listeners: Record<PubSubFamily, Map<string, Set<AnyListener>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };
  #conn: PoolConnection | undefined;
  /** Operations run one at a time so SUBSCRIBE/UNSUBSCRIBE/resubscribe never interleave. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #onPush = (frame: RespValue[]): void => this.#dispatch(frame);
  readonly #onReady = (): void => {
    this.#serial(() => this.#resubscribe()).catch(this.#onError);
  };
  readonly #onEnd = (): void => {
    this.#drop();
    if (this.#count() > 0) this.#serial(() => this.#resubscribe()).catch(this.#onError);
  };

  constructor(pool: ConnectionPool, options: { buffers?: boolean; onError: (error: Error) => void }) {
    this.#pool = pool;
    this.#buffers = options.buffers === true;
    this.#onError = options.onError;
  }

  /** Channels, patterns and shard channels subscribed. */
  get size(): number {
    return this.#count();
  }

  subscribe(family: PubSubFamily, channels: string | readonly string[], listener: AnyListener): Promise<Unsubscribe> {
    const names = typeof channels === 'string' ? [channels] : [...channels];
    return this.#serial(async () => {
      const map = this.#listeners[family];
      const fresh = names.filter((name) => !map.has(name));
      for (const name of names) {
        let set = map.get(name);
        if (set === undefined) map.set(name, (set = new Set()));
        set.add(listener);
      }
      if (fresh.length > 0) {
        try {
          const conn = await this.#connection();
          await conn.sendCommand([COMMANDS[family][0], ...fresh]);
        } catch (error) {
          for (const name of fresh) map.delete(name);
          this.#releaseIfUnused();
          throw error;
        }
      }
      return unsubscribeOnce(() => this.unsubscribe(family, names, listener));
    });
  }

  /** Removes `listener` (or every listener) from `channels` (or from all of the family); unsubscribes what is left empty. */
  unsubscribe(family: PubSubFamily, channels?: string | readonly string[], listener?: AnyListener): Promise<void> {
    return this.#serial(async () => {
      const map = this.#listeners[family];
      const names = channels === undefined ? [...map.keys()] : typeof channels === 'string' ? [channels] : [...channels];
      const gone: string[] = [];
      for (const name of names) {
        const set = map.get(name);
        if (set === undefined) continue;
        if (listener !== undefined) set.delete(listener);
        if (listener === undefined || set.size === 0) {
          map.delete(name);
          gone.push(name);
        }
      }
      const conn = this.#conn;
      // A socket subscribed to nothing (e.g. reconnected, not yet resubscribed) has nothing to unsubscribe; Valkey 8.0
      // would even refuse the command there (NOSUB) where Redis confirms it.
      if (gone.length > 0 && conn !== undefined && conn.status === 'ready' && conn.subscriptions > 0) {
        try {
          await conn.sendCommand([COMMANDS[family][1], ...gone]);
        } catch (error) {
          if (!isNotSubscribed(error)) {
            // The socket is in an unknown subscriber state: close it rather than reuse it.
            conn.destroy();
            this.#drop();
            throw error;
          }
          // NOSUB: the server says this socket is subscribed to nothing, which is where we wanted it.
        }
      }
      this.#releaseIfUnused();
    });
  }

  /** Forgets every subscription and gives the connection back (client shutdown). */
  close(): void {
    for (const family of FAMILIES) this.#listeners[family].clear();
    const conn = this.#conn;
    if (conn === undefined) return;
    this.#drop();
    // Still subscribed on the server: the pool closes it instead of reusing it.
    this.#pool.release(conn);
  }

  #count(): number {
    return this.#listeners.channel.size + this.#listeners.pattern.size + this.#listeners.shard.size;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(op, op);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #connection(): Promise<PoolConnection> {
    if (this.#conn !== undefined) return this.#conn;
    const conn = await this.#pool.acquire();
    conn.on('push', this.#onPush);
    conn.on('ready', this.#onReady);
    conn.on('end', this.#onEnd);
    this.#conn = conn;
    return conn;
  }

  /** Stops listening to the current connection (without releasing it). */
  #drop(): PoolConnection | undefined {
    const conn = this.#conn;
    if (conn === undefined) return undefined;
    conn.off('push', this.#onPush);
    conn.off('ready', this.#onReady);
    conn.off('end', this.#onEnd);
    this.#conn = undefined;
    if (conn.status === 'closed') this.#pool.release(conn);
    return conn;
  }

  #releaseIfUnused(): void {
    if (this.#count() > 0 || this.#conn === undefined) return;
    const conn = this.#drop();
    if (conn !== undefined && conn.status !== 'closed') this.#pool.release(conn);
  }

  async #resubscribe(): Promise<void> {
    if (this.#count() === 0) return;
    const conn = await this.#connection();
    for (const family of FAMILIES) {
      const names = [...this.#listeners[family].keys()];
      if (names.length > 0) await conn.sendCommand([COMMANDS[family][0], ...names]);
    }
  }

  #dispatch(frame: RespValue[]): void {
    const kind = text(frame[0]);
    let family: PubSubFamily;
    let pattern: string | undefined;
    let channel: string;
    let payload: RespValue | undefined;
    if (kind === 'message' || kind === 'smessage') {
      family = kind === 'message' ? 'channel' : 'shard';
      channel = text(frame[1]);
      payload = frame[2];
    } else if (kind === 'pmessage') {
      family = 'pattern';
      pattern = text(frame[1]);
      channel = text(frame[2]);
      payload = frame[3];
    } else {
      return; // confirmations, invalidations: not messages
    }
    const listeners = this.#listeners[family].get(pattern ?? channel);
    if (listeners === undefined) return;
    // Binary-safe only when the connection decoded the payload as a Buffer (`pushBuffers`); a string payload has
    // already lost invalid UTF-8 bytes, so re-encoding it is a last resort.
    const message = this.#buffers
      ? Buffer.isBuffer(payload) ? payload : Buffer.from(text(payload))
      : text(payload);
    for (const listener of listeners) {
      try {
        (listener as (m: string | Buffer, c: string, p?: string) => void)(message, channel, pattern);
      } catch (error) {
        this.#onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}
