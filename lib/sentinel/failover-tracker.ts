import { FAILOVER_PROGRESS_CHANNELS, type SentinelAddress, type SentinelEvent } from './sentinel-event.js';

export type FailoverPhase = 'stable' | 'master-suspect' | 'failing-over';

/** One failover as seen from the client: first sign of trouble → the switch (or abort). */
export interface FailoverRecord {
  masterName: string;
  /** ms since epoch of the first sign: `+odown`, `+try-failover`/`+failover-state-*` of the master, or `failover()`. */
  startedAt: number;
  /** When the switch (`+switch-master`/`+promoted-slave`) or the abort arrived. */
  endedAt?: number;
  durationMs?: number;
  from?: SentinelAddress;
  to?: SentinelAddress;
  outcome?: 'switched' | 'aborted';
}

export type FailoverAction =
  | { type: 'failover-start'; record: FailoverRecord }
  | { type: 'switch-master'; from: SentinelAddress; to: SentinelAddress }
  | { type: 'failover-end'; record: FailoverRecord };

const PROGRESS_CHANNELS: ReadonlySet<string> = new Set(FAILOVER_PROGRESS_CHANNELS);

function isAbort(channel: string): boolean {
  return channel.startsWith('-failover-abort') || channel === '+failover-end-for-timeout';
}

/** A failover that neither switched nor aborted within this long is forgotten (its end was missed). */
const STALE_FAILOVER_MS = 60_000;

export function sameAddress(a: SentinelAddress | undefined, b: SentinelAddress | undefined): boolean {
  return a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;
}

/**
 * The failover state machine of one master name, fed with the events of every sentinel. Pure: the time is passed in.
 *
 * stable --(+sdown master)--> master-suspect --(+odown | progress)--> failing-over
 * stable --(+odown | progress | start())--> failing-over                                  [failover-start]
 * any --(+switch-master | +promoted-slave)--> stable                           [switch-master, failover-end]
 * failing-over --(abort from every sentinel that reported progress, or -odown with none)--> stable [failover-end]
 *
 * Several sentinels report one failover: events are about the master they know, so once the switch is done
 * (`master` is the new address) the late ones (the other sentinels' `+switch-master`, the leader's
 * `+failover-state-reconf-slaves` about the old address) are recognised and dropped. `+promoted-slave` is the
 * leader seeing the replica answer as master; it commits the failover (new config epoch) about a second before any
 * sentinel publishes `+switch-master`, so it counts as the switch.
 */
export class FailoverTracker {
  phase: FailoverPhase = 'stable';
  current: FailoverRecord | undefined;
  last: FailoverRecord | undefined;
  /** The master address we believe in (discovery or the last switch); events about another one are stale. */
  master: SentinelAddress | undefined;
  /** Sentinels that reported progress of the current failover (an abort counts only when all of them aborted). */
  readonly #leaders = new Set<string>();

  constructor(readonly masterName: string) {}

  /** A failover requested by this process (SENTINEL FAILOVER). */
  start(now: number): FailoverAction[] {
    return this.#begin(now);
  }

  /** Forget a failover that never started (SENTINEL FAILOVER was refused). */
  reset(): FailoverAction[] {
    if (this.phase !== 'failing-over') return [];
    return [this.#end(Date.now(), 'aborted')];
  }

  /** `source`: the sentinel that published the event (host:port), to tell apart candidates of one failover. */
  handle(event: SentinelEvent, now: number, source = ''): FailoverAction[] {
    if (event.masterName !== this.masterName) return [];
    if (event.kind === 'switch-master') {
      if (sameAddress(event.to, this.master)) return []; // announced by another sentinel already
      return this.#switch(event.from, event.to, now);
    }
    // About a master we do not follow (a failover already done): the late events of it.
    if (this.master !== undefined && !sameAddress(event.master, this.master)) return [];
    const channel = event.channel;
    if (channel === '+promoted-slave') return this.#switch(event.master, { host: event.host, port: event.port }, now);
    if (PROGRESS_CHANNELS.has(channel) || channel.startsWith('+failover-state-')) {
      this.#leaders.add(source);
      return this.#begin(now);
    }
    if (event.instanceType !== 'master') return [];
    if (channel === '+sdown') {
      if (this.phase !== 'stable') return [];
      this.phase = 'master-suspect';
      this.current = { masterName: this.masterName, startedAt: now };
      return [];
    }
    if (channel === '+odown') return this.#begin(now);
    if (isAbort(channel)) {
      this.#leaders.delete(source);
      if (this.#leaders.size > 0) return [];
      return this.phase === 'failing-over' ? [this.#end(now, 'aborted')] : [];
    }
    if ((channel === '-odown' || channel === '-sdown') && this.#leaders.size === 0) {
      if (this.phase === 'failing-over' && channel === '-odown') return [this.#end(now, 'aborted')];
      if (this.phase === 'master-suspect') {
        this.phase = 'stable';
        this.current = undefined;
      }
    }
    return [];
  }

  #switch(from: SentinelAddress, to: SentinelAddress, now: number): FailoverAction[] {
    const actions = this.#begin(now);
    const record = this.current as FailoverRecord;
    Object.assign(record, { from: { ...from }, to: { ...to } });
    this.master = { ...to };
    actions.push({ type: 'switch-master', from: { ...from }, to: { ...to } });
    actions.push(this.#end(now, 'switched'));
    return actions;
  }

  #begin(now: number): FailoverAction[] {
    if (this.phase === 'failing-over') {
      if (now - (this.current?.startedAt ?? now) < STALE_FAILOVER_MS) return [];
      this.current = undefined;
    }
    this.current ??= { masterName: this.masterName, startedAt: now };
    this.phase = 'failing-over';
    return [{ type: 'failover-start', record: { ...this.current } }];
  }

  #end(now: number, outcome: 'switched' | 'aborted'): FailoverAction {
    const record = this.current ?? { masterName: this.masterName, startedAt: now };
    record.endedAt = now;
    record.durationMs = now - record.startedAt;
    record.outcome = outcome;
    this.last = record;
    this.current = undefined;
    this.phase = 'stable';
    this.#leaders.clear();
    return { type: 'failover-end', record: { ...record } };
  }
}
