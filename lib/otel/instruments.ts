import type { Counter, Histogram, Meter, ObservableUpDownCounter } from '@opentelemetry/api';
import { METRICS } from './semantic-names.js';

/** One metric redwire reports: its name, what it counts and its unit. */
interface InstrumentSpec {
  name: string;
  description: string;
  unit: string;
}

/** Every instrument, described once; the telemetry parts create them through the functions below. */
export const INSTRUMENTS = Object.freeze({
  operationDuration: spec(METRICS.operationDuration, 's',
    'Duration of Redis commands and of pipelines/transactions (PIPELINE, MULTI).'),
  errors: spec(METRICS.errors, '{error}', 'Failed commands, by error class (error.type).'),
  connectionCount: spec(METRICS.connectionCount, '{connection}', 'Connections by state: used (shared and leased) and idle.'),
  connectionMax: spec(METRICS.connectionMax, '{connection}', 'The pool\'s cap on exclusive connections (maxConnections).'),
  pendingRequests: spec(METRICS.pendingRequests, '{request}',
    'Commands written or queued on the shared connections, awaiting their reply.'),
  poolConnections: spec(METRICS.poolConnections, '{connection}',
    'Pool connections by redwire state: shared, leased, idle, pending (being opened or reset).'),
  poolWaiters: spec(METRICS.poolWaiters, '{request}',
    'Callers waiting for a connection of a pool at its limit (BlockingConnectionPool).'),
  waitTime: spec(METRICS.waitTime, 's', 'Time to obtain a leased connection from a pool.'),
  createTime: spec(METRICS.createTime, 's', 'Time to open a connection: socket, TLS and handshake.'),
  reconnects: spec(METRICS.reconnects, '{attempt}', 'Reconnect attempts of pool connections.'),
  redirections: spec(METRICS.redirections, '{redirection}', 'Cluster commands that followed a MOVED or ASK redirection.'),
  failovers: spec(METRICS.failovers, '{failover}',
    'Primary changes seen: Sentinel switches (per master name) and cluster promotions.'),
  heldCommands: spec(METRICS.heldCommands, '{command}',
    'Commands (or batches) held during a Sentinel failover and sent once it ended.'),
  holdTime: spec(METRICS.holdTime, 's', 'How long a Sentinel failover hold lasted.'),
  cacheRequests: spec(METRICS.cacheRequests, '{request}', 'Client-side cache lookups by result (hit, miss).'),
  cacheEvictions: spec(METRICS.cacheEvictions, '{entry}',
    'Client-side cache entries dropped, by reason (full, ttl, invalidation, flush).'),
});

function spec(name: string, unit: string, description: string): InstrumentSpec {
  return { name, unit, description };
}

export function createCounter(meter: Meter, s: InstrumentSpec): Counter {
  return meter.createCounter(s.name, { description: s.description, unit: s.unit });
}

export function createObservableUpDownCounter(meter: Meter, s: InstrumentSpec): ObservableUpDownCounter {
  return meter.createObservableUpDownCounter(s.name, { description: s.description, unit: s.unit });
}

/** A histogram with explicit bucket boundaries (seconds), from the instrumentation options. */
export function createHistogram(meter: Meter, s: InstrumentSpec, buckets: number[]): Histogram {
  return meter.createHistogram(s.name, {
    description: s.description, unit: s.unit, advice: { explicitBucketBoundaries: buckets },
  });
}
