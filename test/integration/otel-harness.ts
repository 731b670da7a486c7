/** OpenTelemetry SDK pieces for the otel-*.test.ts suites: in-memory spans, a metric reader collected on demand. */
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { instrumentRedwire, type RedwireInstrumentation, type RedwireInstrumentationOptions } from '../../lib/otel/index.js';

class TestMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface OtelHarness {
  spans: InMemorySpanExporter;
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Undefined with `{ instrument: false }` (the caller instruments, e.g. RedisOtelModule). */
  instrumentation: RedwireInstrumentation | undefined;
  /** Every metric collected now, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  /** Sum (counter) or count (histogram) of the points of `name` whose attributes include `match`. */
  total(name: string, match?: Attributes): Promise<number>;
  /** The last observed value of an observable instrument for points matching `match`. */
  points(name: string, match?: Attributes): Promise<DataPoint<unknown>[]>;
  finished(name?: string): ReadableSpan[];
  close(): Promise<void>;
}

let contextManager: AsyncLocalStorageContextManager | undefined;

export function otelHarness(options: RedwireInstrumentationOptions = {}, { instrument = true } = {}): OtelHarness {
  if (contextManager === undefined) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = instrument ? instrumentRedwire({ tracerProvider, meterProvider, ...options }) : undefined;
  const metrics = async (): Promise<Map<string, MetricData>> => {
    const { resourceMetrics } = await reader.collect();
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const m of scope.metrics) out.set(m.descriptor.name, m);
    return out;
  };
  const matches = (attributes: Attributes, match: Attributes): boolean =>
    Object.entries(match).every(([k, v]) => attributes[k] === v);
  const points = async (name: string, match: Attributes = {}): Promise<DataPoint<unknown>[]> => {
    const metric = (await metrics()).get(name);
    return (metric?.dataPoints ?? []).filter((p) => matches(p.attributes, match)) as DataPoint<unknown>[];
  };
  return {
    spans,
    tracerProvider,
    meterProvider,
    instrumentation,
    metrics,
    points,
    async total(name, match = {}) {
      let sum = 0;
      for (const p of await points(name, match)) {
        const value = p.value;
        sum += typeof value === 'number' ? value : (value as Histogram).count;
      }
      return sum;
    },
    finished: (name) => spans.getFinishedSpans().filter((s) => name === undefined || s.name === name),
    async close() {
      instrumentation?.disable();
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
