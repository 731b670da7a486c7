import diagnosticsChannel from 'node:diagnostics_channel';
import type { Attributes, BatchObservableResult, Counter, Meter, Observable } from '@opentelemetry/api';
import { ConnectionPool } from '../index.js';
import type {
  ConnectTraceContext, PoolAcquireMessage, PoolConnectionMessage, PoolLifecycleMessage,
} from '../connection/connection-diagnostics.js';
import { REDWIRE_CHANNELS } from '../connection/connection-diagnostics.js';
import { errorAttributes } from './command-telemetry.js';
import type { NormalizedInstrumentationOptions } from './otel-options.js';
import type { PoolRegistry } from './pool-registry.js';
import { ATTR, METRICS } from './semantic-names.js';

interface Figures {
  attributes: Attributes;
  idle: number;
  used: number;
  shared: number;
  leased: number;
  pending: number;
  waiters: number;
  inFlight: number;
  max: number;
}

/**
 * Pool and connection metrics: counts by state, waiters and pending requests (observed from `pool.stats()` of
 * every known pool at collection time), wait time (`redwire:pool:acquire`), create time (`redwire:connect`),
 * reconnect attempts (the pools' `reconnecting` event).
 */
export class PoolTelemetry {
  readonly #undo: (() => void)[] = [];
  readonly #connectStarted = new WeakMap<object, number>();
  readonly #reconnectListeners = new Map<ConnectionPool, () => void>();
  #reconnects: Counter | undefined;

  constructor(
    private readonly options: NormalizedInstrumentationOptions,
    private readonly meter: Meter,
    private readonly registry: PoolRegistry,
  ) {}

  start(): void {
    const o = this.options;
    const meter = this.meter;
    const count = meter.createObservableUpDownCounter(METRICS.connectionCount, {
      description: 'Connections by state: used (shared and leased) and idle.', unit: '{connection}',
    });
    const max = meter.createObservableUpDownCounter(METRICS.connectionMax, {
      description: 'The pool\'s cap on exclusive connections (maxConnections).', unit: '{connection}',
    });
    const pending = meter.createObservableUpDownCounter(METRICS.pendingRequests, {
      description: 'Commands written or queued on the shared connections, awaiting their reply.', unit: '{request}',
    });
    const byPoolState = meter.createObservableUpDownCounter(METRICS.poolConnections, {
      description: 'Pool connections by redwire state: shared, leased, idle, pending (being opened or reset).', unit: '{connection}',
    });
    const waiters = meter.createObservableUpDownCounter(METRICS.poolWaiters, {
      description: 'Callers waiting for a connection of a pool at its limit (BlockingConnectionPool).', unit: '{request}',
    });
    const observables: Observable[] = [count, max, pending, byPoolState, waiters];
    const collect = (result: BatchObservableResult): void => {
      for (const f of this.#figures()) {
        result.observe(count, f.used, { ...f.attributes, [ATTR.connectionState]: 'used' });
        result.observe(count, f.idle, { ...f.attributes, [ATTR.connectionState]: 'idle' });
        result.observe(max, f.max, f.attributes);
        result.observe(pending, f.inFlight, f.attributes);
        result.observe(waiters, f.waiters, f.attributes);
        for (const state of ['shared', 'leased', 'idle', 'pending'] as const) {
          result.observe(byPoolState, f[state], { ...f.attributes, [ATTR.poolState]: state });
        }
      }
    };
    meter.addBatchObservableCallback(collect, observables);
    this.#undo.push(() => meter.removeBatchObservableCallback(collect, observables));

    const waitTime = meter.createHistogram(METRICS.waitTime, {
      description: 'Time to obtain a leased connection from a pool.', unit: 's',
      advice: { explicitBucketBoundaries: o.buckets.connectionWaitTime },
    });
    const createTime = meter.createHistogram(METRICS.createTime, {
      description: 'Time to open a connection: socket, TLS and handshake.', unit: 's',
      advice: { explicitBucketBoundaries: o.buckets.connectionCreateTime },
    });
    this.#reconnects = meter.createCounter(METRICS.reconnects, {
      description: 'Reconnect attempts of pool connections.', unit: '{attempt}',
    });

    this.#subscribe<PoolLifecycleMessage>(REDWIRE_CHANNELS.poolOpen, ({ pool }) => {
      if (pool instanceof ConnectionPool) this.registry.add(pool);
    });
    this.#subscribe<PoolLifecycleMessage>(REDWIRE_CHANNELS.poolClose, ({ pool }) => {
      if (!(pool instanceof ConnectionPool)) return;
      this.registry.remove(pool);
      this.#unlisten(pool);
    });
    this.#subscribe<PoolConnectionMessage>(REDWIRE_CHANNELS.poolConnection, ({ pool, connection }) => {
      if (pool instanceof ConnectionPool) this.registry.linkConnection(connection, pool);
    });
    this.#subscribe<PoolAcquireMessage>(REDWIRE_CHANNELS.poolAcquire, ({ pool, waitMs }) => {
      if (pool instanceof ConnectionPool) waitTime.record(waitMs / 1000, this.#poolAttributes(pool));
    });
    this.registry.onAdded = (pool) => this.#listen(pool);
    for (const pool of this.registry.pools()) this.#listen(pool);

    const connect = diagnosticsChannel.tracingChannel<string, ConnectTraceContext>(REDWIRE_CHANNELS.connect);
    const handlers = {
      start: (ctx: ConnectTraceContext) => this.#connectStarted.set(ctx, performance.now()),
      end: noop,
      asyncStart: noop,
      error: noop,
      asyncEnd: (ctx: ConnectTraceContext) => {
        const started = this.#connectStarted.get(ctx);
        if (started === undefined) return;
        const attributes: Attributes = { ...o.attributes, [ATTR.system]: 'redis', [ATTR.serverAddress]: ctx.serverAddress };
        if (ctx.serverPort !== undefined) attributes[ATTR.serverPort] = ctx.serverPort;
        if (ctx.error !== undefined) errorAttributes(ctx.error, attributes);
        createTime.record((performance.now() - started) / 1000, attributes);
      },
    };
    connect.subscribe(handlers);
    this.#undo.push(() => connect.unsubscribe(handlers));
  }

  stop(): void {
    for (const undo of this.#undo.splice(0)) undo();
    for (const pool of [...this.#reconnectListeners.keys()]) this.#unlisten(pool);
    this.registry.onAdded = undefined;
  }

  #subscribe<M>(name: string, handler: (message: M) => void): void {
    const listener = (message: unknown): void => handler(message as M);
    diagnosticsChannel.subscribe(name, listener);
    this.#undo.push(() => diagnosticsChannel.unsubscribe(name, listener));
  }

  /** Counts reconnect attempts through the pool's own `reconnecting` event (never an `error` listener). */
  #listen(pool: ConnectionPool): void {
    if (this.#reconnectListeners.has(pool)) return;
    const listener = (): void => this.#reconnects?.add(1, this.#poolAttributes(pool));
    pool.on('reconnecting', listener);
    this.#reconnectListeners.set(pool, listener);
  }

  #unlisten(pool: ConnectionPool): void {
    const listener = this.#reconnectListeners.get(pool);
    if (listener === undefined) return;
    pool.off('reconnecting', listener);
    this.#reconnectListeners.delete(pool);
  }

  #poolAttributes(pool: ConnectionPool): Attributes {
    const attributes: Attributes = { ...this.options.attributes, [ATTR.system]: 'redis', [ATTR.poolName]: pool.endpointLabel };
    const name = this.registry.nameOfPool(pool);
    if (name !== undefined) attributes[ATTR.connectionName] = name;
    return attributes;
  }

  /** Stats of every open pool, summed per attribute set (pools of one endpoint and name report together). */
  #figures(): Figures[] {
    this.registry.refreshNames();
    const byKey = new Map<string, Figures>();
    for (const pool of this.registry.pools()) {
      if (pool.closed) continue;
      const s = pool.stats();
      const attributes = this.#poolAttributes(pool);
      const key = `${String(attributes[ATTR.poolName])}\u0000${String(attributes[ATTR.connectionName] ?? '')}`;
      let f = byKey.get(key);
      if (f === undefined) {
        f = { attributes, idle: 0, used: 0, shared: 0, leased: 0, pending: 0, waiters: 0, inFlight: 0, max: 0 };
        byKey.set(key, f);
      }
      f.idle += s.idle;
      f.used += s.shared + s.leased;
      f.shared += s.shared;
      f.leased += s.leased;
      f.pending += s.pending;
      f.waiters += s.waiters;
      f.inFlight += s.sharedInFlight;
      f.max += s.maxConnections;
    }
    return [...byKey.values()];
  }
}

function noop(): void {}
