import { DEFAULT_CONNECTION_OPTIONS } from '../connection/connection-defaults.js';
import { checkOptionKeys } from '../connection/option-keys.js';
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { ConfigError } from '../errors/index.js';
import { redactSecrets } from '../connection/redact-secrets.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { ScanningClient } from '../client/scanning-client.js';
import type { CommandCall } from '../client/commands/command-call.js';
import { argText } from '../client/commands/command-spec.js';
import { commandOptionsOf } from '../client/send-call.js';
import { fastRouteInfo } from './fast-route-info.js';
import { ClusterExecutor, type SendOptions } from './cluster-executor.js';
import { defaultClusterRetryDelay } from './redirect-policy.js';
import { CLUSTER_CLIENT_OPTION_KEYS, DEFAULT_MAX_REDIRECTIONS, type ClusterClientOptions } from './cluster-client-options.js';
import { CommandRouter } from './command-router.js';
import { keySlot } from './key-slot.js';
import { NodesManager } from './nodes-manager.js';
import { validateClusterOptions } from './validate-cluster-options.js';
import { ClusterPipeline } from './cluster-pipeline.js';
import { ClusterTransaction } from './cluster-transaction.js';
import { runClusterWatch } from './cluster-watch.js';
import { watchJob, type WatchBody } from '../client/run-watch.js';
import type { PipelineResult } from '../client/call-recorder.js';
import type { ClusterRunner } from './cluster-runner.js';
import { ClusterPubSub } from './cluster-pubsub.js';
import { ClusterSubscriptions } from './cluster-subscriptions.js';
import { ConnectionPool } from '../pool/connection-pool.js';
import type { RedisApi, RedisApiEvents } from '../client/redis-api.js';
import type { MessageListener, Unsubscribe } from '../client/pubsub-manager.js';
import {
  scanKeys, type KeyScanOptions,
} from '../client/scan-iterators.js';

/** Multi-key commands split per slot when their keys span slots, and how the parts recombine. */
const SPLITTABLE: Readonly<Record<string, { step: 1 | 2; merge: 'sum' | 'ordered' | 'ok' }>> = {
  MGET: { step: 1, merge: 'ordered' },
  MSET: { step: 2, merge: 'ok' },
  DEL: { step: 1, merge: 'sum' },
  EXISTS: { step: 1, merge: 'sum' },
  UNLINK: { step: 1, merge: 'sum' },
  TOUCH: { step: 1, merge: 'sum' },
};

function parseNode(node: { host: string; port: number } | string): { host: string; port: number } {
  if (typeof node !== 'string') return node;
  const colon = node.lastIndexOf(':');
  const port = Number(node.slice(colon + 1));
  const host = node.slice(0, colon).replace(/^\[|\]$/g, '');
  if (colon < 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new ConfigError(`Invalid cluster node '${node}': expected 'host:port'.`);
  }
  return { host, port };
}

/**
 * A Redis Cluster client with the same typed commands as `RedisClient`. Routes each command by the hash slot of its
 * keys (hash tags honoured), follows MOVED/ASK, retries TRYAGAIN/CLUSTERDOWN and connection failures of commands
 * that were never sent, splits MGET/MSET/DEL/EXISTS/UNLINK/TOUCH across slots, and fans keyless commands out per
 * their policy (DBSIZE summed, KEYS concatenated, FLUSHALL on every primary, ...).
 *
 * Implements `RedisApi`, like `RedisClient`: a transaction or `watch` must keep its keys in one hash slot
 * (CrossSlotError otherwise: use one `{hash tag}`). Events (`RedisApiEvents`): `connect` / `ready` / `close` /
 * `reconnecting` of every node connection (with the node's address), `error` (slot-table and node errors, only
 * emitted when listened to), `end` once the client is closed.
 */
export class ClusterClient extends ScanningClient implements RedisApi {
  readonly nodesManager: NodesManager;
  readonly #executor: ClusterExecutor;
  readonly #router: CommandRouter;
  readonly #commandTimeout: number;
  readonly #options: ClusterClientOptions;
  #connecting: Promise<void> | undefined;
  #pubsub: ClusterPubSub | undefined;
  readonly #events = new EventEmitter();
  readonly #subscriptions: ClusterSubscriptions;

  constructor(options: ClusterClientOptions) {
    super();
    if (options === null || typeof options !== 'object' || !Array.isArray(options.nodes)) {
      throw new ConfigError("ClusterClient needs options with 'nodes': [{ host, port }, ...] or ['host:port', ...].");
    }
    checkOptionKeys(options, CLUSTER_CLIENT_OPTION_KEYS, 'ClusterClient options');
    const {
      nodes, requireFullCoverage, slotsRefreshInterval, minRefreshInterval, maxRedirections, retryDelay, readFrom,
      natMap, addressMap, ...poolOptions
    } = options;
    // Node pools report their connection events through this client (`on('ready', ...)`, ...).
    const poolFactory = (o: ConstructorParameters<typeof ConnectionPool>[0]): ConnectionPool => this.#forwardEvents(new ConnectionPool(o));
    validateClusterOptions(options);
    this.#options = { ...options };
    const max = maxRedirections ?? DEFAULT_MAX_REDIRECTIONS;
    // The connection's default when none is set: blocking commands, transactions and watch build their deadline on it.
    this.#commandTimeout = poolOptions.commandTimeout ?? DEFAULT_CONNECTION_OPTIONS.commandTimeout;
    this.nodesManager = new NodesManager({
      startupNodes: nodes.map(parseNode),
      poolOptions,
      ...(requireFullCoverage === undefined ? {} : { requireFullCoverage }),
      ...(slotsRefreshInterval === undefined ? {} : { slotsRefreshInterval }),
      ...(minRefreshInterval === undefined ? {} : { minRefreshInterval }),
      ...(readFrom === undefined ? {} : { readFrom }),
      ...(natMap === undefined ? {} : { natMap }),
      ...(addressMap === undefined ? {} : { addressMap }),
      poolFactory,
    });
    this.nodesManager.on('error', (error: Error) => this.#emitError(error));
    this.#subscriptions = new ClusterSubscriptions(() => this.#pubsubOf(), this.nodesManager, (error) => this.#emitError(error),
      poolOptions.pushBuffers === true);
    this.#executor = new ClusterExecutor(this.nodesManager, max, retryDelay ?? defaultClusterRetryDelay, this.#commandTimeout);
    this.#router = new CommandRouter(fastRouteInfo, {
      send: (args) => this.#executor.run(args, { kind: 'keyless', readonly: true,
        policy: { request: 'random-node', response: 'all-succeeded' } }, {}),
    });
  }

  /** Discovers the slot table; idempotent. Commands call it implicitly. */
  connect(): Promise<void> {
    if (this.#connecting === undefined) {
      this.#connecting = this.nodesManager.initialize();
      this.#connecting.catch(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }

  /** Listens to shard channels (SSUBSCRIBE) on the primary owning each channel's slot; follows the slot when it moves. */
  ssubscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#subscriptions.subscribe('shard', channels, listener as MessageListener<string>);
  }

  sunsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#subscriptions.unsubscribe('shard', channels, listener);
  }

  /** Listens to classic channels, on one node (messages are broadcast cluster-wide). */
  subscribe<M extends string | Buffer = string>(channels: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#subscriptions.subscribe('channel', channels, listener as MessageListener<string>);
  }

  unsubscribe(channels?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#subscriptions.unsubscribe('channel', channels, listener);
  }

  /** Listens to glob patterns (PSUBSCRIBE) on one primary; the listener's third argument is the matching pattern. */
  psubscribe<M extends string | Buffer = string>(patterns: string | readonly string[], listener: MessageListener<M>): Promise<Unsubscribe> {
    return this.#subscriptions.psubscribe(patterns, listener as MessageListener<string>);
  }

  punsubscribe(patterns?: string | readonly string[], listener?: MessageListener<string> | MessageListener<Buffer>): Promise<void> {
    return this.#subscriptions.punsubscribe(patterns, listener);
  }

  #pubsubOf(): ClusterPubSub {
    return (this.#pubsub ??= new ClusterPubSub(this.nodesManager));
  }

  /** Graceful close: in-flight commands are answered first (up to `timeout` ms), then every node pool closes. */
  async quit(options: { timeout?: number } = {}): Promise<void> {
    this.#subscriptions.close();
    await this.#pubsub?.close();
    await this.nodesManager.close({ graceful: true, ...options });
    this.#events.emit('end');
  }

  /** Immediate close: pending commands fail with ConnectionError. */
  async disconnect(): Promise<void> {
    this.#subscriptions.close();
    await this.#pubsub?.close();
    await this.nodesManager.close({ graceful: false });
    this.#events.emit('end');
  }

  /**
   * A new, independent client with the same options (and `overrides`): its own pools, for subscribers or blocking
   * work. Its startup nodes are the nodes this client knows now (then the original ones), so a duplicate made after
   * failovers does not depend on startup nodes that are gone.
   */
  duplicate(overrides: Partial<ClusterClientOptions> = {}): ClusterClient {
    const known = this.nodesManager.loaded ? this.nodesManager.table.nodes().map(({ host, port }) => ({ host, port })) : [];
    const seen = new Set<string>();
    const nodes = [...known, ...this.#options.nodes.map(parseNode)].filter(({ host, port }) => {
      const key = `${host}:${port}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    return new ClusterClient({ ...this.#options, nodes, ...overrides });
  }

  /** A pipeline whose commands are grouped per node, sent in parallel, results in the order they were added. */
  pipeline(): ClusterPipeline {
    return new ClusterPipeline(this.#runner());
  }

  /** MULTI/EXEC on the node owning the one slot every key of the transaction must hash to. */
  multi(): ClusterTransaction {
    return new ClusterTransaction(this.#runner());
  }

  /**
   * Optimistic locking, as `RedisClient.watch`: all keys in one slot; WATCH, the reads of `fn` (through `tx`), and
   * the transaction it queues on `tx.multi()` run on one connection of that slot's primary. Rejects with
   * `WatchError` when a watched key changed meanwhile (retry then), CrossSlotError for keys of several slots.
   */
  watch(keys: RedisArg | readonly RedisArg[], fn: WatchBody): Promise<PipelineResult | null> {
    return runClusterWatch(this.#runner(), watchJob(keys, this.#commandTimeout, fn));
  }

  /** Hash slot of a key (hash tags honoured). */
  keySlot(key: RedisArg): number {
    return keySlot(key);
  }

  /**
   * Every key of the cluster: SCAN runs on each primary in turn (a cursor is only valid on the node that issued it).
   * Keys of a slot that migrates during the scan may be yielded twice or missed, as with SCAN on one node.
   */
  async *scanIterator(options: KeyScanOptions = {}): AsyncGenerator<string> {
    if (!this.nodesManager.loaded) await this.connect();
    for (const node of this.nodesManager.table.primaries()) {
      const pool = this.nodesManager.poolFor(node);
      const timeout = this.#commandTimeout;
      yield* scanKeys((args) => pool.sendCommand<RespValue>(args, timeout > 0 ? { timeout } : undefined), options);
    }
  }

  protected async executeCommand<T>(call: CommandCall<T>): Promise<T> {
    if (!this.nodesManager.loaded) await this.connect();
    const split = SPLITTABLE[argText(call.args[0])];
    const reply = split !== undefined && call.args.length > 1 + split.step
      ? await this.#runSplit(call, split)
      : await this.#runOne(call.args, this.#sendOptions(call));
    return call.transform === undefined ? (reply as T) : call.transform(reply);
  }

  #sendOptions(call: CommandCall<unknown>): SendOptions {
    const options: SendOptions = { ...commandOptionsOf(call, this.#commandTimeout) };
    if (call.blocking === true) options.blocking = true;
    return options;
  }

  async #runOne(args: readonly RedisArg[], options: SendOptions): Promise<RespValue> {
    const route = this.#router.routeSync(args) ?? (await this.#router.route(args));
    return this.#executor.run(args, route, options);
  }

  async #runSplit(call: CommandCall<unknown>, split: { step: 1 | 2; merge: 'sum' | 'ordered' | 'ok' }):
    Promise<RespValue> {
    const [name, ...rest] = call.args;
    const groups = new Map<number, { positions: number[]; args: RedisArg[] }>();
    for (let i = 0; i < rest.length; i += split.step) {
      const slot = keySlot(rest[i] as RedisArg);
      let group = groups.get(slot);
      if (group === undefined) groups.set(slot, (group = { positions: [], args: [] }));
      group.positions.push(i / split.step);
      group.args.push(...rest.slice(i, i + split.step));
    }
    const options = this.#sendOptions(call);
    if (groups.size === 1) return this.#runOne(call.args, options);
    const parts = await Promise.all([...groups.entries()].map(([slot, group]) =>
      this.#executor.run([name as RedisArg, ...group.args], { kind: 'slot', slot, readonly: split.merge === 'ordered' },
        options)));
    if (split.merge === 'ok') return 'OK';
    if (split.merge === 'sum') return parts.reduce<number>((acc, part) => acc + Number(part), 0);
    const out: RespValue[] = new Array<RespValue>(rest.length).fill(null);
    [...groups.values()].forEach((group, g) => {
      const values = parts[g];
      group.positions.forEach((position, j) => {
        out[position] = Array.isArray(values) ? (values[j] ?? null) : null;
      });
    });
    return out;
  }

  #runner(): ClusterRunner {
    return {
      ready: () => (this.nodesManager.loaded ? Promise.resolve() : this.connect()),
      router: this.#router,
      executor: this.#executor,
      sendOptions: (call) => this.#sendOptions(call),
      execute: (call) => this.executeCommand(call),
    };
  }

  // ---- events ------------------------------------------------------------------------------------------------

  on<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  once<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this {
    this.#events.once(event, listener);
    return this;
  }

  off<E extends keyof RedisApiEvents>(event: E, listener: RedisApiEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  removeAllListeners(event?: keyof RedisApiEvents): this {
    this.#events.removeAllListeners(event);
    return this;
  }

  listenerCount(event: keyof RedisApiEvents): number {
    return this.#events.listenerCount(event);
  }

  #forwardEvents(pool: ConnectionPool): ConnectionPool {
    for (const event of ['connect', 'ready', 'close', 'reconnecting'] as const) {
      pool.on(event, (...args: unknown[]) => this.#events.emit(event, ...args));
    }
    pool.on('error', (error: Error) => this.#emitError(error));
    return pool;
  }

  #emitError(error: Error): void {
    if (this.#events.listenerCount('error') > 0) this.#events.emit('error', error);
  }

  /** What `JSON.stringify` and `util.inspect` show: the nodes manager's summary, never options. */
  toJSON(): unknown {
    return redactSecrets({ nodesManager: this.nodesManager.toJSON() });
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    return `ClusterClient ${insp(this.toJSON(), { ...opts, depth })}`;
  }
}
