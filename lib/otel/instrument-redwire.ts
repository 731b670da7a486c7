import { metrics, trace, type Meter } from '@opentelemetry/api';
import { LIB_NAME, LIB_VERSION, type ConnectionPool } from '../index.js';
import { CommandTelemetry } from './command-telemetry.js';
import { EventTelemetry } from './event-telemetry.js';
import { createCounter, createHistogram, INSTRUMENTS } from './instruments.js';
import { normalizeInstrumentationOptions, type RedwireInstrumentationOptions } from './otel-options.js';
import { PoolRegistry } from './pool-registry.js';
import { PoolTelemetry } from './pool-telemetry.js';

/** What `instrumentRedwire` returns. */
export interface RedwireInstrumentation {
  /** Stops listening: no more spans or measurements; the observable instruments stop reporting. Idempotent. */
  disable(): void;
  /**
   * Names the pools of one application connection (`redwire.connection.name` on their metrics, and on the spans
   * of connections they open from now on). `pools` is read again at every metric collection (a cluster's node
   * pools change). Returns the undo.
   */
  nameConnection(name: string, pools: () => Iterable<ConnectionPool>): () => void;
}

/**
 * Turns redwire's diagnostics channels into OpenTelemetry spans and metrics, for every redwire client of the
 * process. Commands of clients created before the call are traced too; pool metrics cover the pools created after
 * it and those handed to `nameConnection`. Call it once, after the OpenTelemetry SDK started (the meter provider is
 * read now). Until it is called nothing subscribes, and the channels cost nothing.
 */
export function instrumentRedwire(options: RedwireInstrumentationOptions = {}): RedwireInstrumentation {
  const o = normalizeInstrumentationOptions(options);
  const registry = new PoolRegistry();
  const meter: Meter = (o.meterProvider ?? metrics.getMeterProvider()).getMeter(LIB_NAME, LIB_VERSION);
  const tracer = o.traces ? (o.tracerProvider ?? trace.getTracerProvider()).getTracer(LIB_NAME, LIB_VERSION) : undefined;
  const parts: { start(): void; stop(): void }[] = [];
  const commandMetrics = o.groups.commands;
  if (tracer !== undefined || commandMetrics) {
    parts.push(new CommandTelemetry(o, tracer, {
      duration: commandMetrics
        ? createHistogram(meter, INSTRUMENTS.operationDuration, o.buckets.operationDuration)
        : undefined,
      errors: commandMetrics ? createCounter(meter, INSTRUMENTS.errors) : undefined,
    }, registry));
  }
  if (o.groups.connections) parts.push(new PoolTelemetry(o, meter, registry));
  if (o.groups.resiliency || o.groups.clientCache) parts.push(new EventTelemetry(o, meter));
  for (const part of parts) part.start();
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      for (const part of parts) part.stop();
    },
    nameConnection: (name, pools) => registry.name(name, pools),
  };
}
