import { ConnectionError, ReadOnlyError, type ResponseError } from '../errors/index.js';
import type { AfterHandshakeHook, Endpoint } from '../connection/connection-options.js';
import type { EndpointWatcher } from '../pool/pool-options.js';
import { replicaNotFound, type SentinelDiscovery } from './sentinel-discovery.js';
import type { SentinelAddress } from './sentinel-event.js';
import { addressKey } from './sentinel-links.js';
import type { SentinelInstance } from './sentinel-reply.js';

export type SentinelRole = 'master' | 'replica';

/** Whatever must move when the master changes: a pool (`ConnectionPool.reconnectAll`). */
export interface ReconnectTarget {
  reconnectAll(cause?: Error): void;
  /** `host:port` the target last connected to (a pool's `endpointLabel`), to skip pools already there. */
  readonly endpointLabel?: string;
}

export interface SentinelEndpointResolverOptions {
  checkRole: boolean;
  backoffBase: number;
  backoffCap: number;
  /** ms a `+switch-master` address is trusted before the sentinels are asked again (they converge quickly). */
  switchHintMs?: number;
  /** Told every master address a discovery found (the owner compares it with the one it follows). */
  onMasterDiscovered?: (master: SentinelAddress) => void;
}

function configEpoch(instance: SentinelInstance): number {
  const epoch = Number.parseInt(instance.fields['config-epoch'] ?? '', 10);
  return Number.isFinite(epoch) ? epoch : 0;
}

/**
 * Resolves the address of one master (or one of its replicas) through Sentinel on every (re)connect of a pool's
 * connections (redis-py SentinelConnectionPool/SentinelManagedConnection, done as the pool's endpoint resolver):
 *
 * - one discovery at a time: concurrent reconnects share the in-flight discovery (no reconnect storm);
 * - after a failed discovery the next one waits (exponential backoff, reset by a success);
 * - `afterHandshake` checks the node's `ROLE` (the spec's step 3): a wrong role fails that connect, so the
 *   connection retries and re-resolves;
 * - replicas are handed out round-robin; when none is healthy the master is used.
 */
export class SentinelEndpointResolver implements EndpointWatcher {
  readonly #discovery: SentinelDiscovery;
  readonly #options: SentinelEndpointResolverOptions;
  readonly #targets = new Set<ReconnectTarget>();
  #inflight: Promise<SentinelAddress[]> | undefined;
  #failures = 0;
  #retryAt = 0;
  #roundRobin = 0;
  /** Role we expect at each address we handed out (a replica client may fall back to the master). */
  readonly #expected = new Map<string, 'master' | 'slave'>();
  #lastReadOnlyMove = 0;
  #wake: (() => void) | undefined;
  #hint: { address: SentinelAddress; until: number } | undefined;
  /** config-epoch of the master as last discovered. */
  #epoch = 0;
  /** The master a failover left, and the config-epoch it had: a sentinel still naming it with that epoch is stale. */
  #demoted: { address: SentinelAddress; epoch: number } | undefined;
  /** The master address last discovered or announced. */
  master: SentinelAddress | undefined;

  constructor(
    discovery: SentinelDiscovery,
    readonly masterName: string,
    readonly role: SentinelRole,
    options: SentinelEndpointResolverOptions,
  ) {
    this.#discovery = discovery;
    this.#options = options;
  }

  attach(target: ReconnectTarget): void {
    this.#targets.add(target);
  }

  detach(target: ReconnectTarget): void {
    this.#targets.delete(target);
  }

  /** The `resolveEndpoint` option of the pool. */
  readonly resolve = async (): Promise<Endpoint> => {
    const candidates = await this.#discover();
    if (this.role === 'master' || candidates.length === 1) return { ...candidates[0] };
    const pick = candidates[this.#roundRobin++ % candidates.length] as SentinelAddress;
    return { host: pick.host, port: pick.port };
  };

  /**
   * The `onReplyError` option of the pool: a master connection that answers READONLY, on any path (shared, leased,
   * pipeline, transaction), is talking to a demoted master.
   */
  readonly onReplyError = (error: ResponseError, endpoint: string): void => {
    if (this.role === 'master' && error instanceof ReadOnlyError) this.readOnly(endpoint);
  };

  /** The `afterHandshake` option of the pool: `ROLE` must say what we asked for. */
  readonly afterHandshake: AfterHandshakeHook = async (send, endpoint) => {
    if (!this.#options.checkRole) return;
    const key = addressKey(endpoint);
    const expected = this.#expected.get(key) ?? (this.role === 'master' ? 'master' : 'slave');
    const reply = await send(['ROLE']);
    const actual = Array.isArray(reply) ? String(reply[0]) : String(reply);
    if (actual === expected) return;
    if (this.#hint !== undefined && addressKey(this.#hint.address) === key) this.#hint = undefined;
    this.#noteFailure();
    throw new ConnectionError(
      `Sentinel named ${key} as ${expected === 'slave' ? 'a replica' : 'the master'} of '${this.masterName}', but ` +
        `its ROLE is '${actual}' (a failover is probably in progress); discovering again.`,
      { endpoint: key },
    );
  };

  /**
   * The sentinels announced a new master: remember it (another sentinel may not know yet) and move every attached
   * pool now, instead of waiting for the old master's sockets to fail.
   */
  switchMaster(to: SentinelAddress, now = Date.now()): void {
    const from = this.master;
    if (from !== undefined && addressKey(from) !== addressKey(to)) this.#demoted = { address: { ...from }, epoch: this.#epoch };
    this.master = { ...to };
    this.#hint = { address: { ...to }, until: now + (this.#options.switchHintMs ?? 5000) };
    this.#failures = 0;
    this.#retryAt = 0;
    this.#wake?.();
    if (this.role === 'master') {
      this.reconnectAll(
        new ConnectionError(
          `Sentinel failover of '${this.masterName}': the master moved${from === undefined ? '' : ` from ${addressKey(from)}`} ` +
            `to ${addressKey(to)}; the command was not confirmed by the old master. Retry it if it is safe to.`,
        ),
        to,
      );
    } else if (this.#expected.get(addressKey(to)) === 'slave') {
      // A replica we read from was promoted: move reads back onto the remaining replicas.
      this.reconnectAll(new ConnectionError(`Replica ${addressKey(to)} of '${this.masterName}' was promoted to master; reconnecting.`));
    }
  }

  /**
   * A master connection answered READONLY: that node was demoted. Forget any hint and move all attached pools,
   * at most once per `backoffCap` however many commands hit the same wall.
   */
  readOnly(endpoint: string, now = Date.now()): void {
    if (now - this.#lastReadOnlyMove < this.#options.backoffCap) return;
    this.#lastReadOnlyMove = now;
    this.#hint = undefined;
    this.reconnectAll(
      new ConnectionError(
        `${endpoint} answered READONLY: it is no longer the master of '${this.masterName}'; reconnecting through Sentinel.`,
        { endpoint },
      ),
    );
  }

  /**
   * Drop every connection of the attached pools so they re-resolve (e.g. after READONLY from the "master").
   * `except`: leave pools whose last connection went to this address alone (they already found the new master).
   */
  reconnectAll(cause: Error, except?: SentinelAddress): void {
    const skip = except === undefined ? undefined : addressKey(except);
    for (const target of this.#targets) if (skip === undefined || target.endpointLabel !== skip) target.reconnectAll(cause);
  }

  #discover(): Promise<SentinelAddress[]> {
    this.#inflight ??= this.#discoverOnce().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #discoverOnce(): Promise<SentinelAddress[]> {
    const wait = this.#retryAt - Date.now();
    if (wait > 0) {
      // Interruptible: news of a new master (switchMaster) ends the backoff at once.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    try {
      const found = this.role === 'master' ? [await this.#discoverMaster()] : await this.#discoverReplicas();
      this.#failures = 0;
      this.#retryAt = 0;
      return found;
    } catch (error) {
      this.#noteFailure();
      throw error;
    }
  }

  async #discoverMaster(): Promise<SentinelAddress> {
    const hint = this.#hint;
    if (hint !== undefined && Date.now() < hint.until) return this.#expect({ ...hint.address }, 'master');
    this.#hint = undefined;
    return this.#expect(await this.lookupMaster(), 'master');
  }

  /**
   * Asks the sentinels for the master now (no hint), skipping answers that still name the master a failover left;
   * the owner hears of the answer (`onMasterDiscovered`).
   */
  async lookupMaster(): Promise<SentinelAddress> {
    const { master } = await this.#discovery.master(this.masterName, (m) => this.#stale(m));
    const address = { host: master.host, port: master.port };
    this.#epoch = configEpoch(master);
    if (this.#demoted !== undefined && addressKey(this.#demoted.address) === addressKey(address)) this.#demoted = undefined;
    this.master = address;
    this.#options.onMasterDiscovered?.({ ...address });
    return { ...address };
  }

  /** An answer naming the master the last failover left, with the configuration it had then. */
  #stale(master: SentinelInstance): string | undefined {
    const demoted = this.#demoted;
    if (demoted === undefined || addressKey(demoted.address) !== addressKey(master) || configEpoch(master) > demoted.epoch) return undefined;
    return `still names ${addressKey(master)} (config-epoch ${configEpoch(master)}), which a failover demoted; it has not caught up yet`;
  }

  async #discoverReplicas(): Promise<SentinelAddress[]> {
    const { replicas, answers } = await this.#discovery.replicas(this.masterName);
    if (replicas.length > 0) return replicas.map((r) => this.#expect({ host: r.host, port: r.port }, 'slave'));
    try {
      return [await this.#discoverMaster()];
    } catch (error) {
      throw replicaNotFound(this.masterName, answers, error);
    }
  }

  #expect(address: SentinelAddress, role: 'master' | 'slave'): SentinelAddress {
    this.#expected.set(addressKey(address), role);
    return address;
  }

  #noteFailure(): void {
    this.#failures += 1;
    const delay = Math.min(this.#options.backoffCap, this.#options.backoffBase * 2 ** Math.min(this.#failures - 1, 20));
    this.#retryAt = Date.now() + delay;
  }
}
