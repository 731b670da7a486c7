import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { RedisError } from '../errors/index.js';
import type { FailoverRecord } from './failover-tracker.js';
import { Sentinel, type SwitchMasterInfo } from './sentinel.js';
import type { SentinelAddress } from './sentinel-event.js';
import type { SentinelOptions } from './sentinel-options.js';

/**
 * The operator's view of one Sentinel-monitored master: where the master and replicas are, which sentinels there
 * are, the last failover (time and duration), and `failover()`. Usable alone; the Nest module exposes it too.
 *
 * Events: `failover-start` (FailoverRecord), `failover-end` (FailoverRecord, with `durationMs` and `outcome`),
 * `switch-master` (SwitchMasterInfo).
 */
export class SentinelService extends EventEmitter {
  readonly sentinel: Sentinel;
  readonly masterName: string;
  readonly #owned: boolean;
  #currentMaster: SentinelAddress | undefined;
  readonly #listeners: [string, (arg: never) => void][];

  /** Pass a `Sentinel` to share it (it stays open on `close()`), or options to own a new one. */
  constructor(sentinel: Sentinel | SentinelOptions, masterName: string) {
    super();
    this.#owned = !(sentinel instanceof Sentinel);
    this.sentinel = sentinel instanceof Sentinel ? sentinel : new Sentinel(sentinel);
    this.masterName = masterName;
    const forward = (type: 'failover-start' | 'failover-end') => (record: FailoverRecord) => {
      if (record.masterName === masterName) this.emit(type, record);
    };
    const onSwitch = (info: SwitchMasterInfo): void => {
      if (info.masterName !== masterName) return;
      this.#currentMaster = { ...info.to };
      this.emit('switch-master', info);
    };
    this.#listeners = [
      ['failover-start', forward('failover-start')],
      ['failover-end', forward('failover-end')],
      ['switch-master', onSwitch],
    ];
    for (const [event, listener] of this.#listeners) this.sentinel.on(event, listener as (arg: unknown) => void);
    this.sentinel.watch(masterName);
  }

  /** The master address last discovered or announced by `+switch-master` (undefined before the first lookup). */
  get currentMaster(): SentinelAddress | undefined {
    return this.#currentMaster === undefined ? undefined : { ...this.#currentMaster };
  }

  /** Resolves once failover events are being received (see `Sentinel.watching`). */
  watching(timeoutMs?: number): Promise<SentinelAddress> {
    return this.sentinel.watching(timeoutMs);
  }

  /** Asks the sentinels for the current master. */
  async master(): Promise<SentinelAddress> {
    this.#currentMaster = await this.sentinel.discoverMaster(this.masterName);
    return { ...this.#currentMaster };
  }

  /** The healthy replicas, as the sentinels see them now. */
  replicas(): Promise<SentinelAddress[]> {
    return this.sentinel.discoverReplicas(this.masterName);
  }

  /** The known sentinels (the one that answered last first). */
  get sentinels(): readonly SentinelAddress[] {
    return this.sentinel.sentinels;
  }

  refreshSentinels(): Promise<readonly SentinelAddress[]> {
    return this.sentinel.refreshSentinels(this.masterName);
  }

  /** The last completed failover seen by this process: `startedAt`, `endedAt`, `durationMs`, `from`, `to`. */
  get lastFailover(): FailoverRecord | undefined {
    return this.sentinel.lastFailover(this.masterName);
  }

  /** Requests a failover (SENTINEL FAILOVER); resolves when a sentinel accepted it. Watch `failover-end`. */
  failover(): Promise<void> {
    return this.sentinel.failover(this.masterName);
  }

  /** Waits for the next `failover-end` of this master (rejects after `timeoutMs`). */
  waitForFailoverEnd(timeoutMs = 30_000): Promise<FailoverRecord> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('failover-end', done);
        reject(new RedisError(`No failover of '${this.masterName}' ended within ${timeoutMs} ms; check the sentinels' logs.`));
      }, timeoutMs);
      const done = (record: FailoverRecord): void => {
        clearTimeout(timer);
        resolve(record);
      };
      this.once('failover-end', done);
    });
  }

  /** Stops listening; closes the Sentinel when this service created it. */
  async close(): Promise<void> {
    for (const [event, listener] of this.#listeners) this.sentinel.off(event, listener as (arg: unknown) => void);
    if (this.#owned) await this.sentinel.close();
  }

  [inspect.custom](depth: number, opts: object, insp: typeof inspect): string {
    const shown = { masterName: this.masterName, currentMaster: this.#currentMaster, lastFailover: this.lastFailover };
    return `SentinelService ${insp(shown, { ...opts, depth })}`;
  }
}
