import type { SentinelAddress, SentinelEvent } from './sentinel-event.js';

export type FailoverPhase = 'stable' | 'master-suspect' | 'failing-over';

/** One failover as seen from the client: first sign of trouble → `+switch-master` (or abort). */
export interface FailoverRecord {
  masterName: string;
  /** ms since epoch of the first sign: `+sdown`/`+odown` of the master, `+try-failover`, or `failover()`. */
  startedAt: number;
  /** When `+switch-master` arrived (or the abort). */
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

const ABORT_CHANNELS = new Set(['+failover-end-for-timeout', '-failover-abort-not-elected', '-failover-abort-no-good-slave']);

/**
 * The failover state machine of one master name, fed with sentinel events. Pure: the time is passed in.
 *
 * stable --(+sdown master)--> master-suspect --(+odown | +try-failover | +failover-state-*)--> failing-over
 * stable --(+odown | +try-failover | +failover-state-* | start())--> failing-over            [failover-start]
 * any --(+switch-master)--> stable                                        [switch-master, failover-end]
 * master-suspect --(-sdown)--> stable ; failing-over --(abort, -odown without switch)--> stable [failover-end]
 *
 * Only the leader sentinel publishes `+try-failover`/`+failover-state-*`; the others go straight from `+odown` (or
 * nothing, for a manual failover) to `+switch-master`, which is why a switch alone also counts as a failover.
 */
export class FailoverTracker {
  phase: FailoverPhase = 'stable';
  current: FailoverRecord | undefined;
  last: FailoverRecord | undefined;

  constructor(readonly masterName: string) {}

  /** A failover requested by this process (SENTINEL FAILOVER). */
  start(now: number): FailoverAction[] {
    return this.#begin(now);
  }

  /** Forget a failover that never started (SENTINEL FAILOVER was refused). */
  reset(): void {
    this.phase = 'stable';
    this.current = undefined;
  }

  handle(event: SentinelEvent, now: number): FailoverAction[] {
    if (event.masterName !== this.masterName) return [];
    if (event.kind === 'switch-master') {
      const actions = this.#begin(now);
      const record = this.current as FailoverRecord;
      Object.assign(record, { from: event.from, to: event.to });
      actions.push({ type: 'switch-master', from: event.from, to: event.to });
      actions.push(this.#end(now, 'switched'));
      return actions;
    }
    if (event.instanceType !== 'master') return [];
    const channel = event.channel;
    if (channel === '+sdown') {
      if (this.phase !== 'stable') return [];
      this.phase = 'master-suspect';
      this.current = { masterName: this.masterName, startedAt: now };
      return [];
    }
    if (channel === '+odown' || channel === '+try-failover' || channel.startsWith('+failover-state-')) {
      return this.#begin(now);
    }
    if (ABORT_CHANNELS.has(channel) || channel === '-odown' || (channel === '-sdown' && this.phase === 'master-suspect')) {
      if (this.phase === 'failing-over') return [this.#end(now, 'aborted')];
      this.phase = 'stable';
      this.current = undefined;
    }
    return [];
  }

  #begin(now: number): FailoverAction[] {
    if (this.phase === 'failing-over') return [];
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
    return { type: 'failover-end', record: { ...record } };
  }
}
