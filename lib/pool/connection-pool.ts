import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import type { ConnectionOptions, Endpoint } from '../connection/connection-options.js';
import { poolAcquireChannel, poolCloseChannel, poolConnectionChannel, poolOpenChannel } from '../connection/connection-diagnostics.js';
import { parseRedisUrl, redactRedisUrl } from '../connection/parse-redis-url.js';
import { AbortError, ConfigError, ConnectionError, PoolExhaustedError, TimeoutError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { AcquireRequest, CheckoutJob, type GiveUpReason } from './acquire-request.js';
import { defaultConnectionFactory } from './default-connection-factory.js';
import { resetLease, restoreSettingsOf, type RestoreSettings } from './lease-reset.js';
import { LeaseState, trackLease } from './lease-state.js';
import { observeReplyErrors } from './observe-reply-errors.js';
import type { PoolCommandOptions, PoolConnection } from './pool-connection.js';
import {
  normalizePoolOptions,
  redactedOptions,
  type ConnectionFactory,
  type EndpointWatcher,
  type NormalizedPoolSettings,
  type PoolOptions,
  type ReplyErrorHook,
} from './pool-options.js';
import type { PoolStats } from './pool-stats.js';
import { guardSharedConnection } from './shared-command-guard.js';
import { DEFAULT_DISCONNECT_TIMEOUT, healthCheckTimeout } from '../connection/connection-defaults.js';

export interface AcquireOptions {
  /**
   * Aborting cancels the acquire with `AbortError` at once, also while it waits in a `BlockingConnectionPool`'s
   * queue or while a new connection is being opened for it.
   */
  signal?: AbortSignal;
}

export interface PoolDisconnectOptions {
  /** true (default): let in-flight commands and leases finish (up to `timeout`), then close. false: close now. */
  graceful?: boolean;
  /** ms to wait when graceful. Default 5000. */
  timeout?: number;
}

/** Second argument of the pool's `ready`, `connect`, `close` events. */
export interface PoolConnectionEventInfo {
  endpoint: string;
  /** 'shared' carries multiplexed commands; 'exclusive' is leased or idle. */
  role: 'shared' | 'exclusive';
}

export { AcquireRequest } from './acquire-request.js';

interface IdleEntry {
  conn: PoolConnection;
  since: number;
}


/**
 * Owns the connections to one logical endpoint. Ordinary commands are multiplexed over `sharedConnections`
 * connections (`sendCommand`); exclusive work leases a connection (`acquire`/`release`/`withConnection`).
 * At `maxConnections`, `acquire` fails at once with `PoolExhaustedError` (see `BlockingConnectionPool` to wait).
 * An acquire that has to open a connection gives up after `acquireTimeout` (TimeoutError 'acquire').
 *
 * Shared connections refuse, with `UnsafeCommandError`, commands that would change replies or state for every
 * caller on them (CLIENT REPLY, MONITOR, SELECT, MULTI, SUBSCRIBE, HELLO, AUTH...; see shared-command-guard.ts).
 * Leases come back clean or not at all: a released connection left in MULTI, with WATCHes, on another db, with
 * another name, CLIENT TRACKING, HELLO/AUTH or subscriptions is `RESET` and given the pool's handshake again before
 * anyone else gets it; one whose replies no longer match its commands (CLIENT REPLY OFF/SKIP, MONITOR, unread
 * replies) or whose RESET fails is closed (see lease-state.ts, lease-reset.ts).
 *
 * Events: `error` (only emitted when someone listens), `ready`/`connect`/`close` (`(info: PoolConnectionEventInfo)`),
 * `reconnecting` (the connection's info), `push` (from shared connections), `end` (a shared connection gave up for
 * good, or the pool finished closing).
 */
export class ConnectionPool extends EventEmitter {
  /** The options the pool was built with (defaults applied to the pool's own fields). Secrets redacted in inspect. */
  readonly options: Readonly<PoolOptions>;
  protected readonly settings: Readonly<NormalizedPoolSettings>;
  /** Callers waiting for a connection, oldest first (only a blocking pool queues). */
  protected readonly waiters: AcquireRequest[] = [];

  readonly #connectionOptions: ConnectionOptions;
  readonly #factory: ConnectionFactory;
  readonly #onReplyError: ReplyErrorHook | undefined;
  readonly #watcher: EndpointWatcher | undefined;
  #shared: PoolConnection[] = [];
  #idle: IdleEntry[] = [];
  readonly #leased = new Set<PoolConnection>();
  /** Exclusive slots reserved: a connection being opened, health-checked or reset. */
  #pending = 0;
  /** What each exclusive connection's lease did to it (see lease-state.ts). */
  readonly #leases = new WeakMap<PoolConnection, LeaseState>();
  /** Released connections being reset (counted in #pending). */
  readonly #resetting = new Set<PoolConnection>();
  readonly #restore: RestoreSettings;
  /** Leased connections whose socket closed during the lease: their server-side state is gone. */
  readonly #broken = new WeakSet<PoolConnection>();
  /** Connections the pool closed itself (their close/end events are not news). */
  readonly #retired = new WeakSet<PoolConnection>();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  #reapTimer: NodeJS.Timeout | undefined;
  /** Woken whenever a lease ends or a pending slot settles, while closing. */
  #drainWakers: (() => void)[] = [];
  #lastEndpoint: string | undefined;
  /** Graceful closes (QUIT) still under way, awaited by disconnect(). */
  readonly #quitting = new Set<Promise<void>>();

  constructor(options: PoolOptions = {}) {
    super();
    const { settings, connectionOptions, connectionFactory } = normalizePoolOptions(options);
    this.settings = Object.freeze(settings);
    this.#connectionOptions = connectionOptions;
    this.#factory = connectionFactory ?? defaultConnectionFactory;
    this.#onReplyError = options.onReplyError;
    this.#watcher = options.endpointWatcher;
    this.options = redactedOptions({ ...options, ...settings });
    this.#restore = restoreSettingsOf(connectionOptions, settings.db);
    // Last: the watcher may call reconnectAll() at any time from now on.
    this.#watcher?.attach(this);
    if (poolOpenChannel.hasSubscribers) poolOpenChannel.publish({ pool: this });
  }

  /** A pool from a `redis://`, `rediss://` or `unix://` URL; `overrides` win over what the URL says. */
  static fromUrl<P extends ConnectionPool>(
    this: new (options: PoolOptions) => P,
    url: string,
    overrides: PoolOptions = {},
  ): P {
    // Topology fields are dropped: a pool serves one endpoint.
    const { topology, sentinels, masterName, role, sentinelUsername, sentinelPassword, nodes, ...connection } =
      parseRedisUrl(url);
    if (topology !== 'standalone') {
      throw new ConfigError(
        `The URL ${redactRedisUrl(url)} names a ${topology} topology; a pool serves one endpoint. Use createClient(url) instead.`,
      );
    }
    return new this({ ...connection, ...overrides });
  }

  /** `host:port` or socket path of the endpoint (the last resolved one when a resolver is used). No credentials. */
  get endpointLabel(): string {
    const o = this.#connectionOptions;
    if (o.resolveEndpoint !== undefined) return this.#lastEndpoint ?? 'resolved endpoint (not connected yet)';
    return o.path ?? `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
  }

  get closed(): boolean {
    return this.#state !== 'open';
  }

  /** Opens the shared connections and `minIdle` idle ones; resolves when they are ready. */
  async connect(): Promise<void> {
    this.#assertOpen();
    while (this.#shared.length < this.settings.sharedConnections) this.#shared.push(this.#create('shared'));
    const opening: Promise<unknown>[] = this.#shared.map((conn) => conn.connect());
    const wanted = this.settings.minIdle - this.#idle.length;
    for (let i = 0; i < wanted && this.#exclusiveCount() < this.settings.maxConnections; i++) {
      opening.push(this.#openIdle());
    }
    await Promise.all(opening);
  }

  /** Sends one ordinary command on the shared connection with the fewest commands in flight. */
  sendCommand<T = RespValue>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T> {
    if (this.#state !== 'open') return Promise.reject(this.closedError());
    return this.#pickShared().sendCommand<T>(args, options);
  }

  /** The shared connection the next command would use (for batches that must stay on one socket, e.g. pipelines). */
  sharedConnection(): PoolConnection {
    this.#assertOpen();
    return this.#pickShared();
  }

  /**
   * An exclusive connection. Give it back with `release` (or use `withConnection`). Fails with `AbortError` when
   * `signal` aborts and with TimeoutError('acquire') when no connection was ready within `acquireTimeout`, also
   * while one is still being opened (that one then goes to the next caller in line, or is closed).
   */
  acquire(options: AcquireOptions = {}): Promise<PoolConnection> {
    if (this.#state !== 'open') return Promise.reject(this.closedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(this.abortError());
    const request = new AcquireRequest(signal, this.settings.acquireTimeout, this.#giveUp);
    // Callers already queued go first (FIFO).
    const slot = this.waiters.length > 0 ? undefined : this.#reserve();
    if (slot !== undefined) this.#startCheckout(slot, request);
    // A released connection is being reset for reuse: wait for it (any pool) rather than fail.
    else if (this.waiters.length < this.#resetting.size) this.waiters.push(request);
    else this.onExhausted(request);
    return request.promise;
  }

  /**
   * Gives a leased connection back. It is closed instead of reused when it has unread replies, its socket broke
   * during the lease, or its replies no longer match its commands (CLIENT REPLY, MONITOR); it is `RESET` and set up
   * again (handshake, `afterHandshake`) first when the lease changed its state (MULTI, WATCH, SELECT, CLIENT SETNAME
   * or TRACKING, HELLO, AUTH, subscriptions...). Releasing twice is harmless.
   */
  release(conn: PoolConnection): void {
    if (!this.#leased.delete(conn)) return;
    const lease = this.#leases.get(conn);
    const poisoned = lease?.poisoned === true;
    if (this.#state !== 'open' || poisoned || !this.#reusable(conn)) {
      this.#retire(conn, this.#state === 'open' || poisoned ? undefined : 'graceful');
      this.#serveWaiters();
    } else if (lease !== undefined && (lease.needsReset || conn.db !== this.settings.db || conn.subscriptions > 0)) {
      this.#reset(conn, lease);
    } else if (lease === undefined && (conn.db !== this.settings.db || conn.subscriptions > 0)) {
      this.#retire(conn);
      this.#serveWaiters();
    } else {
      this.#idle.push({ conn, since: Date.now() });
      this.#serveWaiters();
      this.#scheduleReap();
    }
    this.#wakeDrain();
  }

  /** Leases a connection for `fn` and always releases it, also when `fn` throws. */
  async withConnection<T>(fn: (conn: PoolConnection) => Promise<T> | T, options: AcquireOptions = {}): Promise<T> {
    const conn = await this.acquire(options);
    try {
      return await fn(conn);
    } finally {
      this.release(conn);
    }
  }

  stats(): PoolStats {
    let sharedInFlight = 0;
    for (const conn of this.#shared) sharedInFlight += conn.inFlight + conn.queued;
    const idle = this.#idle.length;
    const leased = this.#leased.size;
    return {
      total: this.#shared.length + idle + leased + this.#pending,
      shared: this.#shared.length,
      idle,
      leased,
      pending: this.#pending,
      sharedInFlight,
      waiters: this.waiters.length,
      maxConnections: this.settings.maxConnections,
    };
  }

  /**
   * Stops handing out connections at once (new calls fail with `ConnectionError('pool is closed…')`), then, when
   * graceful, waits up to `timeout` for leases to come back and in-flight commands to be answered, and closes all.
   */
  disconnect(options: PoolDisconnectOptions = {}): Promise<void> {
    if (this.#closing !== undefined) {
      // A forced disconnect during a graceful one closes everything now.
      if (options.graceful === false) this.#destroyAll();
      return this.#closing;
    }
    this.#state = 'closing';
    this.#watcher?.detach(this);
    clearTimeout(this.#reapTimer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.closedError());
    this.#closing = this.#close(options.graceful ?? true, options.timeout ?? DEFAULT_DISCONNECT_TIMEOUT);
    return this.#closing;
  }

  /** Every connection drops its socket and re-resolves its endpoint (Sentinel failover). Idle ones are closed. */
  reconnectAll(cause?: Error): void {
    if (this.#state !== 'open') return;
    for (const { conn } of this.#idle.splice(0)) this.#retire(conn);
    for (const conn of this.#leased) {
      this.#broken.add(conn);
      conn.reconnect(cause);
    }
    // Being reset on the old endpoint: closed once the reset ends.
    for (const conn of this.#resetting) this.#broken.add(conn);
    for (const conn of this.#shared) conn.reconnect(cause);
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    return `${this.constructor.name} ${insp(this.toJSON(), { ...opts, depth })}`;
  }

  /** What `JSON.stringify(pool)` shows: endpoint, state and stats; never options or credentials. */
  toJSON(): { endpoint: string; state: 'open' | 'closing' | 'closed' } & PoolStats {
    return { endpoint: this.endpointLabel, state: this.#state, ...this.stats() };
  }

  /** What a caller gets once the pool is closing or closed. */
  protected closedError(): ConnectionError {
    return new ConnectionError(
      'pool is closed: disconnect()/quit() was called on this client or pool; create a new one (or duplicate()) to send more commands.',
      { endpoint: this.endpointLabel, written: false },
    );
  }

  protected abortError(): AbortError {
    return new AbortError('acquire was aborted by its AbortSignal before a connection was handed out.', {
      endpoint: this.endpointLabel,
    });
  }

  /**
   * Called when every exclusive slot is taken. The plain pool fails at once; a blocking pool queues the request in
   * `waiters` (its deadline and signal keep running; the pool serves the queue in FIFO order).
   */
  protected onExhausted(request: AcquireRequest): void {
    const { maxConnections } = this.settings;
    request.reject(
      new PoolExhaustedError(
        `Connection pool exhausted: all ${maxConnections} connections (maxConnections) are in use at ` +
          `${this.endpointLabel}. Release connections sooner (withConnection releases for you), raise ` +
          'maxConnections, or use BlockingConnectionPool to wait for one.',
        { endpoint: this.endpointLabel },
      ),
    );
  }

  /** Hands free slots to waiters in FIFO order. */
  protected serveWaiters(): void {
    this.#serveWaiters();
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  #assertOpen(): void {
    if (this.#state !== 'open') throw this.closedError();
  }

  #exclusiveCount(): number {
    return this.#idle.length + this.#leased.size + this.#pending;
  }

  #pickShared(): PoolConnection {
    const shared = this.#shared;
    if (shared.length < this.settings.sharedConnections) {
      const conn = this.#create('shared');
      shared.push(conn);
      return conn;
    }
    if (shared.length === 1) return shared[0]!;
    let best = shared[0]!;
    let bestLoad = best.inFlight + best.queued;
    for (let i = 1; i < shared.length; i++) {
      const conn = shared[i]!;
      const load = conn.inFlight + conn.queued;
      if (load < bestLoad) {
        best = conn;
        bestLoad = load;
      }
    }
    return best;
  }

  #create(role: 'shared' | 'exclusive'): PoolConnection {
    const options = { ...this.#connectionOptions };
    const lease = role === 'exclusive' ? new LeaseState() : undefined;
    const hook = options.afterHandshake;
    if (lease !== undefined && hook !== undefined) {
      // A reset runs the hook again with the endpoint it was last given.
      options.afterHandshake = (send, endpoint: Endpoint) => {
        lease.handshakeEndpoint = endpoint;
        return hook(send, endpoint);
      };
    }
    const conn = this.#factory(options);
    if (poolConnectionChannel.hasSubscribers) poolConnectionChannel.publish({ pool: this, connection: conn, role });
    if (this.#onReplyError !== undefined) observeReplyErrors(conn, this.#onReplyError);
    if (lease === undefined) guardSharedConnection(conn);
    else {
      trackLease(conn, lease);
      this.#leases.set(conn, lease);
    }
    const info = (): PoolConnectionEventInfo => ({ endpoint: conn.endpoint, role });
    conn.on('error', (error: Error) => {
      if (!this.#retired.has(conn) && this.listenerCount('error') > 0) this.emit('error', error);
    });
    conn.on('connect', () => this.emit('connect', info()));
    conn.on('ready', () => {
      this.#lastEndpoint = conn.endpoint;
      this.emit('ready', info());
    });
    conn.on('reconnecting', (details: unknown) => this.emit('reconnecting', details));
    conn.on('close', () => this.#onClose(conn, role, info()));
    conn.on('end', () => this.#onEnd(conn, role));
    if (role === 'shared') conn.on('push', (value: RespValue[]) => this.emit('push', value));
    return conn;
  }

  #onClose(conn: PoolConnection, role: 'shared' | 'exclusive', info: PoolConnectionEventInfo): void {
    if (this.#retired.has(conn)) return;
    if (role === 'shared') {
      this.emit('close', info);
      return;
    }
    if (this.#leased.has(conn) || this.#resetting.has(conn)) {
      this.#broken.add(conn);
      return;
    }
    const at = this.#idle.findIndex((entry) => entry.conn === conn);
    if (at >= 0) {
      this.#idle.splice(at, 1);
      this.#retire(conn);
    }
  }

  #onEnd(conn: PoolConnection, role: 'shared' | 'exclusive'): void {
    if (this.#retired.has(conn)) return;
    this.#retired.add(conn);
    if (role === 'shared') {
      // Gave up reconnecting: the next command opens a replacement.
      this.#shared = this.#shared.filter((c) => c !== conn);
      if (this.#state === 'open') this.emit('end');
      return;
    }
    const at = this.#idle.findIndex((entry) => entry.conn === conn);
    if (at >= 0) {
      this.#idle.splice(at, 1);
      this.#serveWaiters();
    }
  }

  /** Closes a connection the pool no longer wants. */
  #retire(conn: PoolConnection, how?: 'graceful'): Promise<void> {
    this.#retired.add(conn);
    if (how === 'graceful' && conn.status === 'ready' && conn.inFlight === 0) {
      const closing = conn.disconnect({ timeout: 1000 }).catch(() => conn.destroy());
      this.#quitting.add(closing);
      void closing.then(() => this.#quitting.delete(closing));
      return closing;
    }
    conn.destroy(new ConnectionError('connection closed by its pool', { endpoint: conn.endpoint }));
    return Promise.resolve();
  }

  /** Worth keeping (as is or after a reset): the same socket, every reply read. */
  #reusable(conn: PoolConnection): boolean {
    return conn.status === 'ready' && !this.#broken.has(conn) && conn.inFlight === 0 && conn.queued === 0;
  }

  /** RESET and the handshake again (see lease-reset.ts), holding a pending slot meanwhile; closed when it fails. */
  #reset(conn: PoolConnection, lease: LeaseState): void {
    this.#pending++;
    this.#resetting.add(conn);
    void resetLease(conn, lease, this.#restore).then((clean) => {
      this.#pending--;
      // Not there any more: closed by disconnect({ graceful: false }) meanwhile.
      if (!this.#resetting.delete(conn)) return;
      if (clean && this.#state === 'open' && !this.#broken.has(conn)) {
        this.#idle.push({ conn, since: Date.now() });
        this.#scheduleReap();
      } else {
        this.#retire(conn, clean ? 'graceful' : undefined);
      }
      this.#serveWaiters();
      this.#wakeDrain();
    });
  }

  /** Takes an idle connection or a slot for a new one, or undefined at maxConnections. Synchronous: no races. */
  #reserve(): PoolConnection | null | undefined {
    const entry = this.#idle.pop();
    if (entry !== undefined) {
      this.#pending++;
      return entry.conn;
    }
    if (this.#exclusiveCount() < this.settings.maxConnections) {
      this.#pending++;
      return null;
    }
    return undefined;
  }

  /** Starts turning a reserved slot into a ready connection for `request` (see CheckoutJob). */
  #startCheckout(reserved: PoolConnection | null, request: AcquireRequest): void {
    const job = new CheckoutJob(request);
    request.job = job;
    this.#checkout(job, reserved).then(
      (conn) => this.#deliver(job, conn),
      (error: unknown) => {
        this.#freeSlot(job);
        this.#serveWaiters();
        this.#wakeDrain();
        job.owner?.reject(error as Error);
      },
    );
  }

  /** A reserved slot (an idle connection, or null = open one) as a healthy connection; throws when cancelled. */
  async #checkout(job: CheckoutJob, reserved: PoolConnection | null): Promise<PoolConnection> {
    let candidate = reserved;
    for (;;) {
      if (candidate === null) {
        const fresh = this.#create('exclusive');
        job.working = fresh;
        try {
          await fresh.connect();
        } catch (error) {
          this.#retire(fresh);
          throw error;
        }
        if (job.cancelled) throw this.#retireCancelled(fresh);
        return fresh;
      }
      job.working = candidate;
      const healthy = await this.#healthy(candidate);
      if (job.cancelled) throw this.#retireCancelled(candidate);
      if (healthy) return candidate;
      this.#retire(candidate);
      candidate = this.#idle.pop()?.conn ?? null;
    }
  }

  #retireCancelled(conn: PoolConnection): Error {
    this.#retire(conn);
    return this.abortError();
  }

  /** The checkout's connection to its owner, or to the idle list when nobody waits for it any more. */
  #deliver(job: CheckoutJob, conn: PoolConnection): void {
    this.#freeSlot(job);
    const owner = job.owner;
    if (this.#state !== 'open') {
      this.#retire(conn, 'graceful');
      this.#wakeDrain();
      owner?.reject(this.closedError());
      return;
    }
    if (owner !== undefined) {
      this.#leased.add(conn);
      this.#broken.delete(conn);
      if (owner.resolve(conn)) {
        if (poolAcquireChannel.hasSubscribers) poolAcquireChannel.publish({ pool: this, waitMs: Date.now() - owner.started });
        return;
      }
      this.#leased.delete(conn);
    }
    this.#idle.push({ conn, since: Date.now() });
    this.#serveWaiters();
    this.#scheduleReap();
  }

  #freeSlot(job: CheckoutJob): void {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    this.#pending--;
  }

  /**
   * An acquire's signal aborted or its `acquireTimeout` passed: it fails now. A checkout working for it goes on for
   * the next caller in line, or is cancelled (its connection closed) so the slot is free at once.
   */
  readonly #giveUp = (request: AcquireRequest, why: GiveUpReason): void => {
    if (request.settled) return;
    const job = request.job;
    if (job === undefined) {
      const error = why === 'abort' ? this.abortError() : this.#queueTimeoutError(request);
      const at = this.waiters.indexOf(request);
      if (at >= 0) this.waiters.splice(at, 1);
      request.reject(error);
      return;
    }
    request.job = undefined;
    request.reject(why === 'abort' ? this.abortError() : this.#openTimeoutError(request));
    const next = this.waiters.shift();
    if (next !== undefined) {
      job.owner = next;
      next.job = job;
      return;
    }
    job.owner = undefined;
    job.cancelled = true;
    this.#freeSlot(job);
    if (job.working !== undefined) this.#retire(job.working);
    this.#wakeDrain();
  };

  #queueTimeoutError(request: AcquireRequest): PoolExhaustedError {
    const { acquireTimeout, maxConnections } = this.settings;
    const behind = this.waiters.length - 1;
    return new PoolExhaustedError(
      `No connection became free within ${Date.now() - request.started} ms (acquireTimeout ${acquireTimeout} ms): ` +
        `${this.#leased.size} of ${maxConnections} connections (maxConnections) in use, ${behind} other callers waiting, ` +
        `at ${this.endpointLabel}. Release connections sooner (withConnection releases for you), or raise ` +
        'maxConnections or acquireTimeout.',
      { endpoint: this.endpointLabel },
    );
  }

  #openTimeoutError(request: AcquireRequest): TimeoutError {
    const { acquireTimeout } = this.settings;
    return new TimeoutError(
      `No connection to ${this.endpointLabel} was ready within ${Date.now() - request.started} ms (acquireTimeout ` +
        `${acquireTimeout} ms): the new connection was still being opened. The server may be down, unreachable or ` +
        'overloaded; check it, or raise acquireTimeout.',
      'acquire',
      acquireTimeout,
      { endpoint: this.endpointLabel },
    );
  }

  async #healthy(conn: PoolConnection): Promise<boolean> {
    if (conn.status !== 'ready') return false;
    const interval = this.settings.healthCheckInterval;
    if (interval === 0 || Date.now() - conn.lastActivity <= interval) return true;
    try {
      await conn.sendCommand(['PING'], { timeout: healthCheckTimeout(this.#connectionOptions.connectTimeout) });
      return true;
    } catch {
      return false;
    }
  }

  #serveWaiters(): void {
    while (this.waiters.length > 0 && this.#state === 'open') {
      const slot = this.#reserve();
      if (slot === undefined) return;
      this.#startCheckout(slot, this.waiters.shift()!);
    }
  }

  async #openIdle(): Promise<void> {
    this.#pending++;
    const conn = this.#create('exclusive');
    try {
      await conn.connect();
    } catch (error) {
      this.#pending--;
      this.#retire(conn);
      throw error;
    }
    this.#pending--;
    if (this.#state !== 'open') {
      this.#retire(conn, 'graceful');
      return;
    }
    this.#idle.push({ conn, since: Date.now() });
    this.#serveWaiters();
    this.#scheduleReap();
  }

  #scheduleReap(): void {
    const { idleTimeout, minIdle } = this.settings;
    if (idleTimeout === 0 || this.#reapTimer !== undefined || this.#state !== 'open') return;
    if (this.#idle.length <= minIdle) return;
    const delay = Math.max(0, this.#idle[0]!.since + idleTimeout - Date.now());
    this.#reapTimer = setTimeout(() => {
      this.#reapTimer = undefined;
      this.#reap();
    }, delay);
    this.#reapTimer.unref();
  }

  #reap(): void {
    const { idleTimeout, minIdle } = this.settings;
    const now = Date.now();
    // The idle list is a stack (most recently used at the end), so the oldest are at the front.
    while (this.#idle.length > minIdle && now - this.#idle[0]!.since >= idleTimeout) {
      this.#retire(this.#idle.shift()!.conn, 'graceful');
    }
    this.#scheduleReap();
  }

  #wakeDrain(): void {
    if (this.#drainWakers.length === 0) return;
    for (const wake of this.#drainWakers.splice(0)) wake();
  }

  /** Closes shared and leased connections now; what they still had in flight fails with ConnectionError. */
  #destroyAll(): void {
    const reason = new ConnectionError('pool is closed: the connection was closed by disconnect() before its reply came.', {
      endpoint: this.endpointLabel,
    });
    for (const conn of [...this.#shared, ...this.#leased, ...this.#resetting]) {
      this.#retired.add(conn);
      conn.destroy(reason);
    }
    this.#shared = [];
    this.#leased.clear();
    this.#resetting.clear();
    this.#wakeDrain();
  }

  async #close(graceful: boolean, timeout: number): Promise<void> {
    const closingIdle = this.#idle.splice(0).map(({ conn }) => this.#retire(conn, graceful ? 'graceful' : undefined));
    if (graceful) {
      const deadline = Date.now() + timeout;
      // Leases are waited for, except those whose connection only waits for a blocking command's reply (BLPOP 0,
      // XREAD BLOCK): that may never come, and their connection's close cancels it. Re-checked every 50 ms, as a
      // lease may start blocking while we wait.
      while (this.#pending > 0 || [...this.#leased].some((conn) => conn.blockedOnly !== true)) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 50));
          this.#drainWakers.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      await Promise.all(
        this.#shared.map(async (conn) => {
          this.#retired.add(conn);
          // Commands queued while (re)connecting are sent once ready; the connection's own disconnect waits for
          // replies to what was written.
          if (conn.status !== 'ready' && conn.queued > 0) await readyOrDeadline(conn, deadline);
          await conn.disconnect({ timeout: Math.max(0, deadline - Date.now()) }).catch(() => conn.destroy());
        }),
      );
    }
    this.#destroyAll();
    await Promise.all([...closingIdle, ...this.#quitting]);
    this.#state = 'closed';
    if (poolCloseChannel.hasSubscribers) poolCloseChannel.publish({ pool: this });
    this.emit('end');
  }
}

/** Resolves when the connection is ready, closed for good, or the deadline passed. */
function readyOrDeadline(conn: PoolConnection, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      conn.off('ready', done);
      conn.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    conn.on('ready', done);
    conn.on('end', done);
  });
}
