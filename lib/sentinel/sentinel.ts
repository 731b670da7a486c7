import { redactOnSerialise } from '../connection/redact-secrets.js';
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { RedisClient, type RedisClientOptions } from '../client/redis-client.js';
import { ConfigError, MasterNotFoundError, type ResponseError } from '../errors/index.js';
import { redactSecrets } from '../connection/redact-secrets.js';
import { failoverChannel, failoverHoldChannel } from '../connection/connection-diagnostics.js';
import { DEFAULT_CONNECTION_OPTIONS } from '../connection/connection-defaults.js';
import { defaultConnectionFactory } from '../pool/default-connection-factory.js';
import type { ConnectionFactory, PoolOptions } from '../pool/pool-options.js';
import { FailoverHold, holdingFactory, type HoldEndReason } from './failover-hold.js';
import { FailoverTracker, sameAddress, type FailoverAction, type FailoverRecord } from './failover-tracker.js';
import { SentinelDiscovery } from './sentinel-discovery.js';
import { SentinelEndpointResolver, type SentinelRole } from './sentinel-endpoint-resolver.js';
import type { SentinelAddress, SentinelEvent } from './sentinel-event.js';
import { addressKey, SentinelLinks } from './sentinel-links.js';
import { SentinelManagedPool } from './sentinel-managed-pool.js';
import {
  DEFAULT_SENTINEL_OPTIONS,
  normalizeSentinelOptions,
  type NormalizedSentinelOptions,
  type SentinelOptions,
} from './sentinel-options.js';
import type { SentinelInstance } from './sentinel-reply.js';
import { SentinelWatcher } from './sentinel-watcher.js';

/** Options of `Sentinel.master()`/`replica()`: data-node connection and pool options (over the Sentinel's own). */
export type SentinelClientOptions = Omit<RedisClientOptions, 'pool' | 'clientCache' | 'resolveEndpoint'>;

/** Payload of the `switch-master` event. */
export interface SwitchMasterInfo {
  masterName: string;
  from: SentinelAddress;
  to: SentinelAddress;
  /** The sentinel that announced it. */
  sentinel: SentinelAddress | undefined;
  at: number;
}

/** Payload of the `failover-hold` and `failover-release` events. */
export interface FailoverHoldInfo {
  masterName: string;
  at: number;
  /** `failover-release` only: why the hold ended, how long it lasted and how many commands (or batches) it let go. */
  reason?: HoldEndReason;
  heldMs?: number;
  released?: number;
}

/** How often the sentinel list is refreshed from `SENTINEL SENTINELS` while events are watched (ms). */
const SENTINEL_REFRESH_MS = 30_000;

/**
 * Discovery through Redis Sentinel and failover-aware pools for the masters it monitors (redis-py `Sentinel`).
 *
 * - `discoverMaster(name)` / `discoverReplicas(name)` / `refreshSentinels(name)` ask the sentinels in turn;
 * - `masterPool(name)` / `replicaPool(name)` (and the clients built on them) resolve their endpoint through
 *   Sentinel on every (re)connect and check the node's ROLE;
 * - while a pool exists, every known sentinel's events are listened to (the list refreshed from
 *   `SENTINEL SENTINELS`); the first credible switch (`+switch-master`, or the leader's `+promoted-slave`) moves
 *   the pools, whichever sentinel says it first; the others' announcements of the same failover are dropped;
 * - from the first sign of a failover of a master until its switch, its master pools hold new writes
 *   (`holdWritesDuringFailover`, see `FailoverHold`).
 *
 * Events: `switch-master` (SwitchMasterInfo), `failover-start` / `failover-end` (FailoverRecord),
 * `failover-hold` / `failover-release` (FailoverHoldInfo), `sentinel-event` (SentinelEvent, every event parsed,
 * with the sentinel that published it).
 */
export class Sentinel extends EventEmitter {
  readonly #options: NormalizedSentinelOptions;
  readonly #links: SentinelLinks;
  readonly #discovery: SentinelDiscovery;
  /** One resolver per (role, master name), shared by every pool of it: one discovery at a time for all of them. */
  readonly #resolvers = new Map<string, SentinelEndpointResolver>();
  readonly #trackers = new Map<string, FailoverTracker>();
  readonly #holds = new Map<string, FailoverHold>();
  readonly #holdingFactories = new WeakSet<ConnectionFactory>();
  #watcher: SentinelWatcher | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: SentinelOptions) {
    super();
    this.#options = normalizeSentinelOptions(options);
    const factory = this.#options.sentinelConnectionFactory;
    this.#links = new SentinelLinks(this.#options.sentinelOptions, () => factory ?? defaultConnectionFactory);
    this.#discovery = new SentinelDiscovery(this.#options.sentinels, this.#links, this.#options.minOtherSentinels);
  }

  /** The sentinel list, in the order they are asked (the last one that answered first). */
  get sentinels(): readonly SentinelAddress[] {
    return this.#discovery.sentinels;
  }

  /** The sentinels whose events are received now (empty before the first subscription or with watchFailover off). */
  get listeningTo(): readonly SentinelAddress[] {
    return this.#watcher?.subscribedSentinels ?? [];
  }

  /** The address of master `name`, from the first sentinel that reports it up (see `SentinelOptions`). */
  async discoverMaster(name: string): Promise<SentinelAddress> {
    const { master } = await this.#discovery.master(name);
    return { host: master.host, port: master.port };
  }

  /** The healthy replicas of `name` (may be empty). */
  async discoverReplicas(name: string): Promise<SentinelAddress[]> {
    const { replicas } = await this.#discovery.replicas(name);
    return replicas.map((r) => ({ host: r.host, port: r.port }));
  }

  /** What the first answering sentinel reports about master `name` (flags, num-other-sentinels, ...). */
  async masterState(name: string): Promise<SentinelInstance> {
    return (await this.#discovery.master(name)).master;
  }

  /** Adds the sentinels that monitor `name` (`SENTINEL SENTINELS`) to the list; returns the new list. */
  async refreshSentinels(name: string): Promise<readonly SentinelAddress[]> {
    this.#discovery.add(await this.#discovery.peers(name));
    return this.sentinels;
  }

  /**
   * `SENTINEL FAILOVER name` on the first sentinel that answers; resolves once a sentinel accepted it (the switch
   * itself is announced by the `switch-master` and `failover-end` events).
   */
  async failover(name: string): Promise<void> {
    this.#assertOpen();
    const tracker = this.#tracker(name);
    this.#startWatcher();
    // Hold writes before asking: the promotion follows the request within a few hundred ms.
    this.#apply(name, tracker.start(Date.now()), undefined);
    try {
      await this.#discovery.command(['SENTINEL', 'FAILOVER', name]);
    } catch (error) {
      this.#apply(name, tracker.reset(), undefined);
      throw error;
    }
  }

  /** The last completed failover of `name` seen by this process, if any. */
  lastFailover(name: string): FailoverRecord | undefined {
    const last = this.#trackers.get(name)?.last;
    return last === undefined ? undefined : { ...last };
  }

  /**
   * Resolves once the event subscription is established (on some sentinel), so that a failover starting now will
   * be seen. Rejects at once when `watchFailover` is off; never waits longer than `timeoutMs`.
   */
  async watching(timeoutMs = 10_000): Promise<SentinelAddress> {
    this.#assertOpen();
    this.#startWatcher();
    const watcher = this.#watcher;
    if (watcher === undefined) throw new ConfigError('This Sentinel does not watch failovers (watchFailover: false).');
    const current = watcher.subscribedTo;
    if (current !== undefined) return current;
    return new Promise<SentinelAddress>((resolve, reject) => {
      const timer = setTimeout(() => {
        watcher.off('subscribed', done);
        reject(new MasterNotFoundError(`No sentinel accepted the event subscription within ${timeoutMs} ms: ${this.sentinels.map((a) => `${a.host}:${a.port}`).join(', ')}.`));
      }, timeoutMs);
      const done = (address: SentinelAddress): void => {
        clearTimeout(timer);
        resolve(address);
      };
      watcher.once('subscribed', done);
    });
  }

  /** Starts listening to sentinel events for `name` without creating a pool (used by SentinelService). */
  watch(name: string): void {
    this.#assertOpen();
    this.#tracker(name);
    this.#startWatcher();
  }

  /** The endpoint resolver of `name` in `role` (shared by the pools of this Sentinel); registered for failover events. */
  resolver(name: string, role: SentinelRole): SentinelEndpointResolver {
    this.#assertOpen();
    if (typeof name !== 'string' || name === '') throw new ConfigError('Sentinel: the master name must be a non-empty string.');
    const key = `${role}:${name}`;
    let resolver = this.#resolvers.get(key);
    if (resolver === undefined) {
      resolver = new SentinelEndpointResolver(this.#discovery, name, role, {
        checkRole: this.#options.checkRole,
        backoffBase: this.#options.backoffBase,
        backoffCap: this.#options.backoffCap,
        onMasterDiscovered: (master) => this.#onMasterDiscovered(name, master),
      });
      this.#resolvers.set(key, resolver);
    }
    this.#tracker(name);
    this.#startWatcher();
    return resolver;
  }

  /**
   * Pool options whose endpoint is resolved through Sentinel. Any pool built with them (also one built from a
   * managed pool's `options`, as `client.duplicate()` does) registers with the resolver: it moves at
   * `+switch-master`, and READONLY on any of its connections makes it (and its siblings) re-discover the master.
   */
  poolOptions(name: string, role: SentinelRole, options: PoolOptions = {}): { options: PoolOptions; resolver: SentinelEndpointResolver } {
    const resolver = this.resolver(name, role);
    const userHook = options.afterHandshake ?? this.#options.nodeOptions.afterHandshake;
    const userOnReplyError = options.onReplyError ?? this.#options.nodeOptions.onReplyError;
    // Only a master pool cares about READONLY: a replica pool pays nothing per command unless the user asked.
    const onReplyError = role !== 'master' ? userOnReplyError
      : userOnReplyError === undefined ? resolver.onReplyError
        : (error: ResponseError, endpoint: string): void => {
          resolver.onReplyError(error, endpoint);
          userOnReplyError(error, endpoint);
        };
    const factory = options.connectionFactory ?? this.#options.nodeOptions.connectionFactory;
    const hold = role === 'master' ? this.#hold(name) : undefined;
    const connectionFactory = hold === undefined || (factory !== undefined && this.#holdingFactories.has(factory))
      ? factory
      : this.#holdingFactory(hold, factory);
    const merged: PoolOptions = {
      ...this.#options.nodeOptions,
      ...options,
      ...(connectionFactory === undefined ? {} : { connectionFactory }),
      resolveEndpoint: resolver.resolve,
      afterHandshake: async (send, endpoint) => {
        await resolver.afterHandshake(send, endpoint);
        if (userHook !== undefined) await userHook(send, endpoint);
      },
      endpointWatcher: resolver,
      ...(onReplyError === undefined ? {} : { onReplyError }),
    };
    // The merged options hold the passwords: JSON loggers must see them redacted, as inspect does.
    return { options: redactOnSerialise(merged), resolver };
  }

  /** A pool on the current master of `name`. */
  masterPool(name: string, options: PoolOptions = {}): SentinelManagedPool {
    return this.#pool(name, 'master', options);
  }

  /** A pool on the healthy replicas of `name` (round-robin per connection; the master when none is up). */
  replicaPool(name: string, options: PoolOptions = {}): SentinelManagedPool {
    return this.#pool(name, 'replica', options);
  }

  /**
   * A client on the current master of `name`: its pool re-resolves the master on every reconnect, checks ROLE,
   * moves at `+switch-master` and on READONLY replies. Pub/sub subscriptions are restored by the client on ready.
   */
  master(name: string, options: SentinelClientOptions = {}): RedisClient {
    return this.#client(name, 'master', options);
  }

  /** A client on the healthy replicas of `name` (round-robin per connection; the master when none is up). */
  replica(name: string, options: SentinelClientOptions = {}): RedisClient {
    return this.#client(name, 'replica', options);
  }

  /** Closes the sentinel connections and the event subscription. Pools/clients made here are closed by their owners. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#refreshTimer);
    for (const hold of this.#holds.values()) hold.release('closed');
    const watcher = this.#watcher;
    this.#watcher = undefined;
    await Promise.all([watcher?.close(), this.#links.close()]);
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    return `Sentinel ${insp(this.toJSON(), { ...opts, depth })}`;
  }

  #client(name: string, role: SentinelRole, options: SentinelClientOptions): RedisClient {
    const { pubsubBuffers, blockingPool: _blocking, ...poolOptions } = options as RedisClientOptions;
    if ((options as RedisClientOptions).pool !== undefined || (options as RedisClientOptions).clientCache !== undefined) {
      throw new ConfigError('Sentinel clients build their own pool: do not pass `pool` or `clientCache`.');
    }
    const pool = this.#pool(name, role, pubsubBuffers === true ? { ...poolOptions, pushBuffers: true } : poolOptions);
    const client = new RedisClient({ pool, ...(pubsubBuffers !== undefined ? { pubsubBuffers } : {}) });
    const lazy = options.lazyConnect ?? this.#options.nodeOptions.lazyConnect;
    // Errors surface on the first command; a connect failure here must not be unhandled.
    if (lazy !== true) client.connect().catch(() => undefined);
    return client;
  }

  #pool(name: string, role: SentinelRole, options: PoolOptions): SentinelManagedPool {
    const { options: merged, resolver } = this.poolOptions(name, role, options);
    return new SentinelManagedPool(merged, resolver);
  }

  #tracker(name: string): FailoverTracker {
    let tracker = this.#trackers.get(name);
    if (tracker === undefined) this.#trackers.set(name, (tracker = new FailoverTracker(name)));
    return tracker;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ConfigError('This Sentinel is closed; create a new one.');
  }

  /** The write hold of master `name`, when `holdWritesDuringFailover` is on. */
  #hold(name: string): FailoverHold | undefined {
    if (!this.#options.holdWritesDuringFailover || !this.#options.watchFailover) return undefined;
    let hold = this.#holds.get(name);
    if (hold === undefined) {
      hold = new FailoverHold({
        masterName: name,
        timeout: this.#options.failoverHoldTimeout,
        maxQueued: this.#options.nodeOptions.maxQueued ?? DEFAULT_CONNECTION_OPTIONS.maxQueued,
        onBegin: (at) => this.emit('failover-hold', { masterName: name, at } satisfies FailoverHoldInfo),
        onEnd: (info) => {
          if (failoverHoldChannel.hasSubscribers) failoverHoldChannel.publish({ masterName: name, ...info });
          this.emit('failover-release', { masterName: name, at: Date.now(), ...info } satisfies FailoverHoldInfo);
        },
      });
      this.#holds.set(name, hold);
    }
    return hold;
  }

  #holdingFactory(hold: FailoverHold, factory: ConnectionFactory | undefined): ConnectionFactory {
    // Read at connect time, so the connection layer's default applies when none is set.
    const wrapped = holdingFactory(hold, factory ?? defaultConnectionFactory, DEFAULT_CONNECTION_OPTIONS.commandTimeout);
    this.#holdingFactories.add(wrapped);
    return wrapped;
  }

  #startWatcher(): void {
    if (this.#watcher !== undefined || !this.#options.watchFailover || this.#closed) return;
    const watcher = new SentinelWatcher(this.#discovery, this.#links, {
      pingInterval: this.#options.sentinelPingInterval,
      pingTimeout: this.#options.sentinelOptions.commandTimeout ?? DEFAULT_SENTINEL_OPTIONS.sentinelCommandTimeout,
    });
    watcher.on('event', (event: SentinelEvent, sentinel: SentinelAddress | undefined) => this.#onEvent(event, sentinel));
    watcher.on('resubscribed', () => void this.#checkMasters());
    this.#watcher = watcher;
    watcher.start();
    void this.#refreshSentinelList();
    this.#refreshTimer = setInterval(() => void this.#refreshSentinelList(), SENTINEL_REFRESH_MS);
    this.#refreshTimer.unref();
  }

  /** Learns the sentinels each watched master has (`SENTINEL SENTINELS`) and subscribes to the new ones. */
  async #refreshSentinelList(): Promise<void> {
    for (const name of this.#trackers.keys()) {
      try {
        this.#discovery.add(await this.#discovery.peers(name));
      } catch {
        // No sentinel answered now: the list stays as it is; the next refresh tries again.
      }
    }
    if (!this.#closed) this.#watcher?.sync();
  }

  #onEvent(event: SentinelEvent, sentinel: SentinelAddress | undefined): void {
    this.emit('sentinel-event', event, sentinel);
    const tracker = this.#trackers.get(event.masterName);
    if (tracker === undefined) return;
    this.#apply(event.masterName, tracker.handle(event, Date.now(), sentinel === undefined ? '' : addressKey(sentinel)), sentinel);
  }

  /** What the tracker decided: hold at the start, move the pools at the switch, release the hold at the end. */
  #apply(name: string, actions: readonly FailoverAction[], sentinel: SentinelAddress | undefined): void {
    const now = Date.now();
    for (const action of actions) {
      if (action.type === 'switch-master') {
        // That sentinel knows the new configuration for sure: ask it first from now on.
        if (sentinel !== undefined) this.#discovery.promote(sentinel);
        for (const resolver of this.#resolvers.values()) {
          if (resolver.masterName === name) resolver.switchMaster(action.to, now);
        }
        if (failoverChannel.hasSubscribers) {
          failoverChannel.publish({ kind: 'sentinel', name, from: addressKey(action.from), to: addressKey(action.to) });
        }
        this.emit('switch-master', { masterName: name, from: action.from, to: action.to, sentinel, at: now });
      } else if (action.type === 'failover-start') {
        this.#holds.get(name)?.begin(now);
        this.emit('failover-start', action.record);
      } else {
        // After the switch above: the connections are already on their way to the new master.
        this.#holds.get(name)?.release(action.record.outcome === 'switched' ? 'switched' : 'aborted');
        this.emit('failover-end', action.record);
      }
    }
  }

  /**
   * A discovery named a master: the first one is the master we follow. A later, different answer is not taken as a
   * switch here (the first answering sentinel may be one that has not caught up, or one ahead of the events); the
   * events, or #checkMasters after a time with no subscription, decide.
   */
  #onMasterDiscovered(name: string, master: SentinelAddress): void {
    const tracker = this.#trackers.get(name);
    if (tracker !== undefined && tracker.master === undefined) tracker.master = { ...master };
  }


  /** After a time with no subscription at all: did the master change while nobody was listening? */
  async #checkMasters(): Promise<void> {
    for (const resolver of this.#resolvers.values()) {
      // The master resolver's lookup skips sentinels still naming a master a failover left.
      if (resolver.role !== 'master') continue;
      const tracker = this.#trackers.get(resolver.masterName);
      const found = await resolver.lookupMaster().catch(() => undefined);
      if (found === undefined || tracker?.master === undefined || sameAddress(found, tracker.master)) continue;
      this.#onEvent({ kind: 'switch-master', channel: '+switch-master', masterName: resolver.masterName, from: tracker.master, to: found }, undefined);
    }
  }


  /** What `JSON.stringify` and `util.inspect` show: sentinel addresses and watched masters, never options. */
  toJSON(): unknown {
    const masters = [...new Set([...this.#resolvers.values()].map((r) => r.masterName))];
    return redactSecrets({ sentinels: this.sentinels.map((s) => `${s.host}:${s.port}`), masters, closed: this.#closed });
  }
}
