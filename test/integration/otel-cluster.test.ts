import { randomUUID } from 'node:crypto';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { keySlot } from '../../lib/cluster/key-slot.js';
import { WatchError } from '../../lib/errors/index.js';
import { CLUSTER, requireTopology } from '../support/topology.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const prefix = `redwire:otel:${randomUUID()}:`;
let otel: OtelHarness;
let client: ClusterClient;

beforeAll(async () => {
  await requireTopology('cluster');
  otel = otelHarness();
  client = new ClusterClient({ nodes: [...CLUSTER.nodes] });
  await client.connect();
});
afterAll(async () => {
  await client?.call('DEL', `${prefix}a`).catch(() => undefined);
  await client?.quit();
  await otel?.close();
});

test('a cluster command span names the node that served it', async () => {
  const key = `${prefix}a`;
  const owner = client.nodesManager.table.primaryAddressOf(keySlot(key))!;
  const parent = otel.tracerProvider.getTracer('test').startSpan('request');
  await context.with(trace.setSpan(context.active(), parent), () => client.set(key, '1'));
  parent.end();
  const [set] = otel.finished('SET');
  expect(set!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(`${String(set!.attributes['server.address'])}:${String(set!.attributes['server.port'])}`).toBe(owner);
  expect(set!.attributes).toMatchObject({ 'db.system.name': 'redis', 'db.operation.name': 'SET', 'db.namespace': '0' });
});

test('a MOVED redirection is counted once, with its kind', async () => {
  const key = `${prefix}a`;
  const slot = keySlot(key);
  const owner = client.nodesManager.table.primaryAddressOf(slot);
  const wrong = client.nodesManager.table.primaries().find((node) => node.address !== owner)!;
  const before = await otel.total('redwire.client.redirections', { 'redis.client.redirection.kind': 'moved' });
  // Route the slot to a node that does not own it: the next command gets MOVED and follows it.
  client.nodesManager.applyMoved(slot, wrong);
  otel.spans.reset();
  expect(await client.get(key)).toBe('1');
  expect(await otel.total('redwire.client.redirections', { 'redis.client.redirection.kind': 'moved' })).toBe(before + 1);
  // Both attempts are traced: the one answered MOVED (an error span) and the one that got the value.
  const gets = otel.finished('GET');
  expect(gets.map((s) => s.attributes['error.type'] ?? 'ok')).toEqual(['MovedError', 'ok']);
});

test('a cluster transaction is one MULTI span on the slot owner, child of the active span; a WATCH abort is WatchError', async () => {
  const key = `{${prefix}t}a`;
  const owner = client.nodesManager.table.primaryAddressOf(keySlot(key))!;
  otel.spans.reset();
  const parent = otel.tracerProvider.getTracer('test').startSpan('request');
  const results = await context.with(trace.setSpan(context.active(), parent), () =>
    client.multi().set(key, '1').incr(key).exec());
  parent.end();
  expect(results).toEqual([[null, 'OK'], [null, 2]]);
  const spans = otel.finished().filter((s) => s.name !== 'request');
  expect(spans.map((s) => s.name)).toEqual(['MULTI']);
  expect(spans[0]!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(spans[0]!.attributes).toMatchObject({ 'db.operation.name': 'MULTI', 'db.operation.batch.size': 2 });
  expect(`${String(spans[0]!.attributes['server.address'])}:${String(spans[0]!.attributes['server.port'])}`).toBe(owner);

  const other = new ClusterClient({ nodes: [...CLUSTER.nodes] });
  try {
    await other.connect();
    otel.spans.reset();
    const error = await client.watch([key], async (tx) => {
      await other.set(key, '5');
      tx.multi().set(key, '6');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchError);
    const multis = otel.finished('MULTI');
    expect(multis).toHaveLength(1);
    expect(multis[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(multis[0]!.attributes).toMatchObject({ 'error.type': 'WatchError', 'db.operation.batch.size': 1 });
  } finally {
    await other.call('DEL', key).catch(() => undefined);
    await other.quit();
  }
});

test('node pools are measured: connection counts per node', async () => {
  const owner = client.nodesManager.table.primaryAddressOf(keySlot(`${prefix}a`))!;
  const used = await otel.points('db.client.connection.count', { 'db.client.connection.state': 'used' });
  const nodes = new Set(used.map((p) => p.attributes['db.client.connection.pool.name']));
  // The owner of the key and the node that answered MOVED above, at least.
  expect(nodes.has(owner)).toBe(true);
  expect(nodes.size).toBeGreaterThanOrEqual(2);
});
