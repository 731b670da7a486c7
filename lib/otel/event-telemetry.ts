import type { Attributes, Meter } from '@opentelemetry/api';
import type {
  ClientCacheMessage, FailoverHoldMessage, FailoverMessage, RedirectMessage,
} from '../connection/connection-diagnostics.js';
import { REDWIRE_CHANNELS } from '../connection/connection-diagnostics.js';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { createCounter, createHistogram, INSTRUMENTS } from './instruments.js';
import type { NormalizedInstrumentationOptions } from './otel-options.js';
import { ATTR } from './semantic-names.js';

/** Counters fed by redwire's plain channels: redirections, failovers, failover holds, the client-side cache. */
export class EventTelemetry {
  readonly #subscriptions = new ChannelSubscriptions();

  constructor(private readonly options: NormalizedInstrumentationOptions, private readonly meter: Meter) {}

  start(): void {
    const { groups, attributes: base, buckets } = this.options;
    const meter = this.meter;
    const attrs = (extra: Attributes): Attributes => ({ ...base, [ATTR.system]: 'redis', ...extra });
    if (groups.resiliency) {
      const redirections = createCounter(meter, INSTRUMENTS.redirections);
      const failovers = createCounter(meter, INSTRUMENTS.failovers);
      const held = createCounter(meter, INSTRUMENTS.heldCommands);
      const holdTime = createHistogram(meter, INSTRUMENTS.holdTime, buckets.failoverHoldTime);
      this.#subscriptions.on<RedirectMessage>(REDWIRE_CHANNELS.redirect, (m) => {
        redirections.add(1, attrs({ [ATTR.redirectionKind]: m.kind }));
      });
      this.#subscriptions.on<FailoverMessage>(REDWIRE_CHANNELS.failover, (m) => {
        const extra: Attributes = { [ATTR.failoverKind]: m.kind };
        if (m.name !== undefined) extra[ATTR.masterName] = m.name;
        failovers.add(1, attrs(extra));
      });
      this.#subscriptions.on<FailoverHoldMessage>(REDWIRE_CHANNELS.failoverHold, (m) => {
        const extra = attrs({ [ATTR.masterName]: m.masterName, [ATTR.holdReason]: m.reason });
        held.add(m.released, extra);
        holdTime.record(m.heldMs / 1000, extra);
      });
    }
    if (groups.clientCache) {
      const requests = createCounter(meter, INSTRUMENTS.cacheRequests);
      const evictions = createCounter(meter, INSTRUMENTS.cacheEvictions);
      const hit = attrs({ [ATTR.cacheResult]: 'hit' });
      const miss = attrs({ [ATTR.cacheResult]: 'miss' });
      this.#subscriptions.on<ClientCacheMessage>(REDWIRE_CHANNELS.clientCache, (m) => {
        if (m.event === 'hit') requests.add(1, hit);
        else if (m.event === 'miss') requests.add(1, miss);
        else evictions.add(m.count ?? 1, attrs({ [ATTR.cacheReason]: m.reason ?? 'full' }));
      });
    }
  }

  stop(): void {
    this.#subscriptions.clear();
  }
}
