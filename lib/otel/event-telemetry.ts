import diagnosticsChannel from 'node:diagnostics_channel';
import type { Attributes, Meter } from '@opentelemetry/api';
import type {
  ClientCacheMessage, FailoverHoldMessage, FailoverMessage, RedirectMessage,
} from '../connection/connection-diagnostics.js';
import { REDWIRE_CHANNELS } from '../connection/connection-diagnostics.js';
import type { NormalizedInstrumentationOptions } from './otel-options.js';
import { ATTR, METRICS } from './semantic-names.js';

/** Counters fed by redwire's plain channels: redirections, failovers, failover holds, the client-side cache. */
export class EventTelemetry {
  readonly #undo: (() => void)[] = [];

  constructor(private readonly options: NormalizedInstrumentationOptions, private readonly meter: Meter) {}

  start(): void {
    const { groups, attributes: base, buckets } = this.options;
    const meter = this.meter;
    const attrs = (extra: Attributes): Attributes => ({ ...base, [ATTR.system]: 'redis', ...extra });
    if (groups.resiliency) {
      const redirections = meter.createCounter(METRICS.redirections, {
        description: 'Cluster commands that followed a MOVED or ASK redirection.', unit: '{redirection}',
      });
      const failovers = meter.createCounter(METRICS.failovers, {
        description: 'Primary changes seen: Sentinel switches (per master name) and cluster promotions.', unit: '{failover}',
      });
      const held = meter.createCounter(METRICS.heldCommands, {
        description: 'Commands (or batches) held during a Sentinel failover and sent once it ended.', unit: '{command}',
      });
      const holdTime = meter.createHistogram(METRICS.holdTime, {
        description: 'How long a Sentinel failover hold lasted.', unit: 's',
        advice: { explicitBucketBoundaries: buckets.failoverHoldTime },
      });
      this.#on<RedirectMessage>(REDWIRE_CHANNELS.redirect, (m) => {
        redirections.add(1, attrs({ [ATTR.redirectionKind]: m.kind }));
      });
      this.#on<FailoverMessage>(REDWIRE_CHANNELS.failover, (m) => {
        const extra: Attributes = { [ATTR.failoverKind]: m.kind };
        if (m.name !== undefined) extra[ATTR.masterName] = m.name;
        failovers.add(1, attrs(extra));
      });
      this.#on<FailoverHoldMessage>(REDWIRE_CHANNELS.failoverHold, (m) => {
        const extra = attrs({ [ATTR.masterName]: m.masterName, [ATTR.holdReason]: m.reason });
        held.add(m.released, extra);
        holdTime.record(m.heldMs / 1000, extra);
      });
    }
    if (groups.clientCache) {
      const requests = meter.createCounter(METRICS.cacheRequests, {
        description: 'Client-side cache lookups by result (hit, miss).', unit: '{request}',
      });
      const evictions = meter.createCounter(METRICS.cacheEvictions, {
        description: 'Client-side cache entries dropped, by reason (full, ttl, invalidation, flush).', unit: '{entry}',
      });
      const hit = attrs({ [ATTR.cacheResult]: 'hit' });
      const miss = attrs({ [ATTR.cacheResult]: 'miss' });
      this.#on<ClientCacheMessage>(REDWIRE_CHANNELS.clientCache, (m) => {
        if (m.event === 'hit') requests.add(1, hit);
        else if (m.event === 'miss') requests.add(1, miss);
        else evictions.add(m.count ?? 1, attrs({ [ATTR.cacheReason]: m.reason ?? 'full' }));
      });
    }
  }

  stop(): void {
    for (const undo of this.#undo.splice(0)) undo();
  }

  #on<M>(name: string, handler: (message: M) => void): void {
    const listener = (message: unknown): void => handler(message as M);
    diagnosticsChannel.subscribe(name, listener);
    this.#undo.push(() => diagnosticsChannel.unsubscribe(name, listener));
  }
}
