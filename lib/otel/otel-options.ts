import type { Attributes, MeterProvider, TracerProvider } from '@opentelemetry/api';
import { ConfigError } from '../errors/index.js';

/** Metric groups of `instrumentRedwire`; each on unless turned off. */
export interface RedwireMetricGroups {
  /** `db.client.operation.duration` and `redis.client.errors`. */
  commands?: boolean;
  /** Pool and connection figures: counts by state, waiters, wait and create times, reconnects. */
  connections?: boolean;
  /** Redirections (MOVED/ASK), failovers (Sentinel switches, cluster promotions), commands held during a failover. */
  resiliency?: boolean;
  /** Client-side cache lookups and evictions. */
  clientCache?: boolean;
}

/** Histogram bucket boundaries, in seconds. */
export interface RedwireHistogramBuckets {
  operationDuration?: readonly number[];
  connectionCreateTime?: readonly number[];
  connectionWaitTime?: readonly number[];
  failoverHoldTime?: readonly number[];
}

export interface RedwireInstrumentationOptions {
  /** A span per command and per pipeline/transaction batch. Default true. */
  traces?: boolean;
  /** true (default): every group; false: none; or group by group. */
  metrics?: boolean | RedwireMetricGroups;
  /** Only these commands (upper case, e.g. `['GET', 'SET', 'PIPELINE', 'MULTI']`) get spans and duration metrics. */
  includeCommands?: readonly string[];
  /** These commands get no spans nor duration metrics (applied after includeCommands). */
  excludeCommands?: readonly string[];
  /**
   * Puts `db.query.text` (the command and its arguments, secrets as `?` like the diagnostics channels) on spans.
   * Default false: arguments are user data.
   */
  captureQueryText?: boolean;
  /** `db.query.text` is cut to this many characters. Default 1024. */
  maxQueryTextLength?: number;
  buckets?: RedwireHistogramBuckets;
  /** Default: the global provider of `@opentelemetry/api` (as registered by the SDK). */
  tracerProvider?: TracerProvider;
  /** Default: the global provider, read when `instrumentRedwire` is called: start the SDK first. */
  meterProvider?: MeterProvider;
  /** Added to every span and metric (e.g. `{ 'service.component': 'cache' }`). */
  attributes?: Attributes;
}

/** Sub-millisecond to 10 s: most Redis commands answer in well under a millisecond. */
const OPERATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CONNECTION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const HOLD_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

export interface NormalizedInstrumentationOptions {
  traces: boolean;
  groups: Required<RedwireMetricGroups>;
  include: ReadonlySet<string> | undefined;
  exclude: ReadonlySet<string>;
  captureQueryText: boolean;
  maxQueryTextLength: number;
  buckets: Required<{ [K in keyof RedwireHistogramBuckets]: number[] }>;
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  attributes: Attributes;
}

function commandSet(name: string, value: readonly string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string' || c.length === 0)) {
    throw new ConfigError(`Invalid instrumentRedwire option '${name}': expected an array of command names such as ['GET', 'SET'].`);
  }
  return new Set(value.map((c) => c.toUpperCase()));
}

function buckets(name: string, value: readonly number[] | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  const ok = Array.isArray(value) && value.length > 0 &&
    value.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b >= 0 && (i === 0 || b > value[i - 1]!));
  if (!ok) {
    throw new ConfigError(`Invalid instrumentRedwire option 'buckets.${name}': expected increasing numbers of seconds >= 0, e.g. [0.001, 0.01, 0.1, 1].`);
  }
  return [...value];
}

function group(metrics: RedwireInstrumentationOptions['metrics'], key: keyof RedwireMetricGroups): boolean {
  if (metrics === undefined || metrics === true) return true;
  if (metrics === false) return false;
  return metrics[key] !== false;
}

export function normalizeInstrumentationOptions(options: RedwireInstrumentationOptions): NormalizedInstrumentationOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('instrumentRedwire(options) expects an options object (or nothing).');
  }
  const max = options.maxQueryTextLength ?? 1024;
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError(`Invalid instrumentRedwire option 'maxQueryTextLength': expected a whole number >= 1, got ${String(max)}.`);
  }
  const b = options.buckets ?? {};
  return {
    traces: options.traces !== false,
    groups: {
      commands: group(options.metrics, 'commands'),
      connections: group(options.metrics, 'connections'),
      resiliency: group(options.metrics, 'resiliency'),
      clientCache: group(options.metrics, 'clientCache'),
    },
    include: commandSet('includeCommands', options.includeCommands),
    exclude: commandSet('excludeCommands', options.excludeCommands) ?? new Set(),
    captureQueryText: options.captureQueryText === true,
    maxQueryTextLength: max,
    buckets: {
      operationDuration: buckets('operationDuration', b.operationDuration, OPERATION_BUCKETS),
      connectionCreateTime: buckets('connectionCreateTime', b.connectionCreateTime, CONNECTION_BUCKETS),
      connectionWaitTime: buckets('connectionWaitTime', b.connectionWaitTime, CONNECTION_BUCKETS),
      failoverHoldTime: buckets('failoverHoldTime', b.failoverHoldTime, HOLD_BUCKETS),
    },
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
    attributes: { ...options.attributes },
  };
}
