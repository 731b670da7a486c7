import diagnosticsChannel from 'node:diagnostics_channel';
import type { Attributes, BatchObservableResult, Counter, Meter, Observable } from '@opentelemetry/api';
import { ConnectionPool, sumPoolStats, type PoolStats } from '../index.js';
import type {
  ConnectTraceContext, PoolAcquireMessage, PoolConnectionMessage, PoolLifecycleMessage,
} from '../connection/connection-diagnostics.js';
import { REDWIRE_CHANNELS } from '../connection/connection-diagnostics.js';
import { errorAttributes } from './command-telemetry.js';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { createCounter, createHistogram, createObservableUpDownCounter, INSTRUMENTS } from './instruments.js';
import type { NormalizedInstrumentationOptions } from './otel-options.js';
import type { PoolRegistry } from './pool-registry.js';
import { ATTR } from './semantic-names.js';

interface Figures extends PoolStats {
  attributes: Attributes;
}

/**
 * Pool and connection metrics: counts by state, waiters and pending requests (observed from `pool.stats()` of
 * every known pool at collection time), wait time (`redwire:pool:acquire`), create time (`redwire:connect`),
 * reconnect attempts (the pools' `reconnecting` event).
 */
export class PoolTelemetry {
  readonly #subscriptions = new ChannelSubscriptions();
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
    const count = createObservableUpDownCounter(meter, INSTRUMENTS.connectionCount);
    const max = createObservableUpDownCounter(meter, INSTRUMENTS.connectionMax);
    const pending = createObservableUpDownCounter(meter, INSTRUMENTS.pendingRequests);
    const byPoolState = createObservableUpDownCounter(meter, INSTRUMENTS.poolConnections);
    const waiters = createObservableUpDownCounter(meter, INSTRUMENTS.poolWaiters);
    const observables: Observable[] = [count, max, pending, byPoolState, waiters];
    const collect = (result: BatchObservableResult): void => {
      for (const f of this.#figures()) {
        result.observe(count, f.shared + f.leased, { ...f.attributes, [ATTR.connectionState]: 'used' });
        result.observe(count, f.idle, { ...f.attributes, [ATTR.connectionState]: 'idle' });
        result.observe(max, f.maxConnections, f.attributes);
        result.observe(pending, f.sharedInFlight, f.attributes);
        result.observe(waiters, f.waiters, f.attributes);
        for (const state of ['shared', 'leased', 'idle', 'pending'] as const) {
          result.observe(byPoolState, f[state], { ...f.attributes, [ATTR.poolState]: state });
        }
      }
    };
    meter.addBatchObservableCallback(collect, observables);
    this.#subscriptions.add(() => meter.removeBatchObservableCallback(collect, observables));

    const waitTime = createHistogram(meter, INSTRUMENTS.waitTime, o.buckets.connectionWaitTime);
    const createTime = createHistogram(meter, INSTRUMENTS.createTime, o.buckets.connectionCreateTime);
    this.#reconnects = createCounter(meter, INSTRUMENTS.reconnects);

    this.#subscriptions.on<PoolLifecycleMessage>(REDWIRE_CHANNELS.poolOpen, ({ pool }) => {
      if (pool instanceof ConnectionPool) this.registry.add(pool);
    });
    this.#subscriptions.on<PoolLifecycleMessage>(REDWIRE_CHANNELS.poolClose, ({ pool }) => {
      if (!(pool instanceof ConnectionPool)) return;
      this.registry.remove(pool);
      this.#unlisten(pool);
    });
    this.#subscriptions.on<PoolConnectionMessage>(REDWIRE_CHANNELS.poolConnection, ({ pool, connection }) => {
      if (pool instanceof ConnectionPool) this.registry.linkConnection(connection, pool);
    });
    this.#subscriptions.on<PoolAcquireMessage>(REDWIRE_CHANNELS.poolAcquire, ({ pool, waitMs }) => {
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
    this.#subscriptions.add(() => connect.unsubscribe(handlers));
  }

  stop(): void {
    this.#subscriptions.clear();
    for (const pool of [...this.#reconnectListeners.keys()]) this.#unlisten(pool);
    this.registry.onAdded = undefined;
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
    const byKey = new Map<string, { attributes: Attributes; stats: PoolStats[] }>();
    for (const pool of this.registry.pools()) {
      if (pool.closed) continue;
      const attributes = this.#poolAttributes(pool);
      const key = `${String(attributes[ATTR.poolName])}\u0000${String(attributes[ATTR.connectionName] ?? '')}`;
      let group = byKey.get(key);
      if (group === undefined) {
        group = { attributes, stats: [] };
        byKey.set(key, group);
      }
      group.stats.push(pool.stats());
    }
    return [...byKey.values()].map(({ attributes, stats }) => ({ attributes, ...sumPoolStats(stats) }));
  }
}

function noop(): void {}
