// redwire, loaded from the build snapshot run.sh prepares (REDWIRE_DIST, default bench/.redwire, else ../dist/esm).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { singleCommands, pipelineGetPairs } from './common-commands.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export async function loadRedwire() {
  const candidates = [process.env.REDWIRE_DIST, join(here, '../../.redwire'), join(here, '../../../dist/esm')].filter(Boolean);
  const dir = candidates.find((d) => existsSync(join(d, 'index.js')));
  if (!dir) throw new Error(`redwire build not found (looked in ${candidates.join(', ')}); run bash bench/run.sh`);
  return import(pathToFileURL(resolve(dir, 'index.js')).href);
}

let instrumented = false;
/**
 * `redwire/otel` with real SDK providers whose spans and metrics go nowhere (in-memory, never read): what an app with
 * OpenTelemetry pays per command. The SDK comes from the repository's devDependencies (one worker process per client,
 * so the other variants stay uninstrumented).
 */
async function instrument() {
  if (instrumented) return;
  instrumented = true;
  const snapshot = join(here, '../../.redwire');
  const dir = [process.env.REDWIRE_DIST, snapshot].filter(Boolean).find((d) => existsSync(join(d, 'otel', 'index.js')));
  if (!dir) throw new Error('redwire/otel not found in the build snapshot; run bash bench/run.sh --build');
  const { instrumentRedwire } = await import(pathToFileURL(resolve(dir, 'otel', 'index.js')).href);
  const { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const exporter = new InMemorySpanExporter();
  // Keep memory flat: the exporter would otherwise hold every span of the run.
  setInterval(() => exporter.reset(), 200).unref();
  // Batched export, as an application configures it (NodeSDK's default); a simple processor exports span by span.
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  instrumentRedwire({ tracerProvider, meterProvider: new MeterProvider() });
}

export async function createStandalone({ port, otel = false }) {
  if (otel) await instrument();
  const { RedisClient } = await loadRedwire();
  const client = new RedisClient({ host: '127.0.0.1', port });
  await client.connect();
  return {
    ...singleCommands(client),
    pipelineGet: (key, n) => pipelineGetPairs(client, key, n),
    leaseGet: (k) => client.pool.withConnection((conn) => conn.sendCommand(['GET', k])),
    close: () => client.quit(),
  };
}

export async function createCluster({ ports }) {
  const { ClusterClient } = await loadRedwire();
  const client = new ClusterClient({ nodes: ports.map((port) => ({ host: '127.0.0.1', port })) });
  await client.connect();
  return { get: (k) => client.get(k), set: (k, v) => client.set(k, v), close: () => client.quit() };
}

export async function createDecoder(handlers) {
  const { RespDecoder } = await loadRedwire();
  const decoder = new RespDecoder({ onReply: handlers.onReply, onErrorReply: handlers.onError, onPush: handlers.onReply });
  return { feed: (chunk) => decoder.feed(chunk) };
}
