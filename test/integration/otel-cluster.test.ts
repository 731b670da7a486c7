import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { keySlot } from '../../lib/cluster/key-slot.js';
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

test('node pools are measured: connection counts per node', async () => {
  const owner = client.nodesManager.table.primaryAddressOf(keySlot(`${prefix}a`))!;
  const used = await otel.points('db.client.connection.count', { 'db.client.connection.state': 'used' });
  const nodes = new Set(used.map((p) => p.attributes['db.client.connection.pool.name']));
  // The owner of the key and the node that answered MOVED above, at least.
  expect(nodes.has(owner)).toBe(true);
  expect(nodes.size).toBeGreaterThanOrEqual(2);
});
