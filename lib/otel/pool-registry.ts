import type { ConnectionPool } from '../index.js';

/**
 * The pools the instrumentation knows (seen on `redwire:pool:open`, or handed in by `nameConnection`), weakly held,
 * and the names of the application connections they belong to (Nest: the RedisModule connection name).
 * A connection maps to its pool through `redwire:pool:connection`.
 */
export class PoolRegistry {
  readonly #pools = new Set<WeakRef<ConnectionPool>>();
  readonly #known = new WeakSet<ConnectionPool>();
  readonly #poolOf = new WeakMap<object, ConnectionPool>();
  readonly #names = new WeakMap<ConnectionPool, string>();
  /** Named sources whose pools change over time (a cluster's node pools). */
  readonly #sources = new Map<string, () => Iterable<ConnectionPool>>();
  onAdded: ((pool: ConnectionPool) => void) | undefined;

  add(pool: ConnectionPool): void {
    if (this.#known.has(pool)) return;
    this.#known.add(pool);
    this.#pools.add(new WeakRef(pool));
    this.onAdded?.(pool);
  }

  remove(pool: ConnectionPool): void {
    for (const ref of this.#pools) if (ref.deref() === pool) this.#pools.delete(ref);
  }

  linkConnection(connection: object, pool: ConnectionPool): void {
    this.#poolOf.set(connection, pool);
  }

  /** Names the pools of one application connection; returns the undo. */
  name(name: string, pools: () => Iterable<ConnectionPool>): () => void {
    this.#sources.set(name, pools);
    this.refreshNames();
    return () => {
      if (this.#sources.get(name) === pools) this.#sources.delete(name);
    };
  }

  refreshNames(): void {
    for (const [name, pools] of this.#sources) {
      for (const pool of pools()) {
        this.#names.set(pool, name);
        this.add(pool);
      }
    }
  }

  nameOfPool(pool: ConnectionPool): string | undefined {
    return this.#names.get(pool);
  }

  nameOfConnection(connection: object | undefined): string | undefined {
    if (connection === undefined) return undefined;
    const pool = this.#poolOf.get(connection);
    return pool === undefined ? undefined : this.#names.get(pool);
  }

  /** The live pools (collected ones are dropped). */
  *pools(): Iterable<ConnectionPool> {
    for (const ref of this.#pools) {
      const pool = ref.deref();
      if (pool === undefined) this.#pools.delete(ref);
      else yield pool;
    }
  }
}
