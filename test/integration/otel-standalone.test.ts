import { randomUUID } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ExecAbortError, WatchError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { BlockingConnectionPool } from '../../lib/pool/blocking-connection-pool.js';
import { STANDALONE, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const prefix = `redwire:otel:${randomUUID()}:`;
let otel: OtelHarness;
let client: RedisClient;

beforeAll(async () => {
  await requireTopology('standalone');
  otel = otelHarness({ excludeCommands: ['PING'] });
  client = new RedisClient({ ...STANDALONE });
  await client.connect();
});
afterAll(async () => {
  await client?.call('DEL', `${prefix}s`, `${prefix}list`, `${prefix}p1`, `${prefix}p2`, `${prefix}t`, `${prefix}w`).catch(() => undefined);
  await client?.quit();
  await otel?.close();
});
beforeEach(() => otel.spans.reset());

test('a command is a CLIENT span named after it, with the database semantic-convention attributes', async () => {
  await client.set(`${prefix}s`, 'v');
  expect(await client.get(`${prefix}s`)).toBe('v');
  const [get] = otel.finished('GET');
  expect(get).toBeDefined();
  expect(get!.kind).toBe(SpanKind.CLIENT);
  expect(get!.attributes).toMatchObject({
    'db.system.name': 'redis',
    'db.operation.name': 'GET',
    'db.namespace': '0',
    'server.address': STANDALONE.host,
    'server.port': STANDALONE.port,
  });
  // Off by default: arguments are user data.
  expect(get!.attributes['db.query.text']).toBeUndefined();
  expect(get!.status.code).not.toBe(SpanStatusCode.ERROR);
  expect(await otel.total('db.client.operation.duration', { 'db.operation.name': 'GET', 'server.port': STANDALONE.port })).toBeGreaterThanOrEqual(1);
});

test('an error reply sets the span status, error.type (the error class) and the reply prefix; redis.client.errors counts it', async () => {
  const before = await otel.total('redis.client.errors', { 'db.operation.name': 'LPUSH' });
  const error = (await client.call('LPUSH', `${prefix}s`, 'x').then(() => undefined, (e: unknown) => e)) as Error | undefined;
  expect(error).toBeInstanceOf(Error);
  const [span] = otel.finished('LPUSH');
  expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  expect(span!.attributes['error.type']).toBe(error!.name);
  expect(span!.attributes['db.response.status_code']).toBe('WRONGTYPE');
  expect(await otel.total('redis.client.errors', { 'db.operation.name': 'LPUSH', 'error.type': error!.name })).toBe(before + 1);
});

test('spans take their parent from the active context, across awaits and the pipeline batching of one tick', async () => {
  const tracer = otel.tracerProvider.getTracer('test');
  const parent = tracer.startSpan('request');
  await context.with(trace.setSpan(context.active(), parent), async () => {
    await client.set(`${prefix}p1`, '1');
    await new Promise((resolve) => setImmediate(resolve));
    // Sent in the same tick: written together.
    await Promise.all([client.get(`${prefix}p1`), client.get(`${prefix}p2`)]);
    await client.pipeline().set(`${prefix}p2`, '2').get(`${prefix}p2`).incr(`${prefix}p1`).exec();
  });
  // Outside the context: a root span.
  await client.get(`${prefix}p1`);
  parent.end();
  const spanId = parent.spanContext().spanId;
  const spans = otel.finished().filter((s) => s.name !== 'request');
  const children = spans.filter((s) => s.parentSpanContext?.spanId === spanId);
  const roots = spans.filter((s) => s.parentSpanContext === undefined);
  expect(roots.map((s) => s.name)).toEqual(['GET']);
  // Every command sent inside the context is covered: one span each, or one batch span with its size.
  const covered = children.reduce((n, s) => n + (Number(s.attributes['db.operation.batch.size']) || 1), 0);
  expect(covered).toBe(6);
  expect(children.every((s) => s.spanContext().traceId === parent.spanContext().traceId)).toBe(true);
});

test('a transaction is one MULTI span (batch size = its queued commands), child of the active span', async () => {
  const parent = otel.tracerProvider.getTracer('test').startSpan('request');
  const results = await context.with(trace.setSpan(context.active(), parent), () =>
    client.multi().set(`${prefix}t`, '1').incr(`${prefix}t`).get(`${prefix}t`).exec());
  parent.end();
  expect(results).toEqual([[null, 'OK'], [null, 2], [null, '2']]);
  // Nothing per command: not MULTI/EXEC, not the queued SET/INCR/GET, no PIPELINE.
  const spans = otel.finished().filter((s) => s.name !== 'request');
  expect(spans.map((s) => s.name)).toEqual(['MULTI']);
  const [multi] = spans;
  expect(multi!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  expect(multi!.kind).toBe(SpanKind.CLIENT);
  expect(multi!.status.code).not.toBe(SpanStatusCode.ERROR);
  expect(multi!.attributes).toMatchObject({
    'db.system.name': 'redis',
    'db.operation.name': 'MULTI',
    'db.operation.batch.size': 3,
    'db.namespace': '0',
    'server.address': STANDALONE.host,
    'server.port': STANDALONE.port,
    'redwire.batch.errors': 0,
  });
  expect(await otel.total('db.client.operation.duration', { 'db.operation.name': 'MULTI' })).toBeGreaterThanOrEqual(1);
});

test('a WATCH-aborted transaction is a MULTI span with error status and error.type WatchError; EXECABORT one ExecAbortError', async () => {
  const other = new RedisClient({ ...STANDALONE });
  try {
    await other.connect();
    await client.set(`${prefix}w`, '1');
    const error = await client
      .watch(`${prefix}w`, async (tx) => {
        await other.set(`${prefix}w`, '2');
        tx.multi().set(`${prefix}w`, '3').get(`${prefix}w`);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchError);
    const [multi] = otel.finished('MULTI');
    expect(otel.finished('MULTI')).toHaveLength(1);
    expect(otel.finished('EXEC')).toEqual([]);
    expect(multi!.status.code).toBe(SpanStatusCode.ERROR);
    expect(multi!.attributes).toMatchObject({ 'error.type': 'WatchError', 'db.operation.batch.size': 2 });
    expect(await otel.total('redis.client.errors', { 'db.operation.name': 'MULTI', 'error.type': 'WatchError' })).toBeGreaterThanOrEqual(1);

    otel.spans.reset();
    // SET with a missing argument is refused while queuing: the server discards the transaction.
    const aborted = await client.multi().set(`${prefix}w`, '4').call('SET', `${prefix}w`).exec().catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(ExecAbortError);
    const [execAbort] = otel.finished('MULTI');
    expect(execAbort!.status.code).toBe(SpanStatusCode.ERROR);
    expect(execAbort!.attributes).toMatchObject({ 'error.type': 'ExecAbortError', 'redwire.batch.errors': 1 });
  } finally {
    await other.quit();
  }
});

test('db.query.text only when enabled, with secrets redacted and the length capped; never on metrics', async () => {
  const local = otelHarness({ captureQueryText: true, maxQueryTextLength: 20 });
  const conn = new Connection({ ...STANDALONE, lazyConnect: true });
  try {
    await conn.connect();
    await conn.sendCommand(['AUTH', 'someone', 'the-password']).catch(() => undefined);
    await conn.sendCommand(['ECHO', 'a'.repeat(50)]);
    const auth = local.finished('AUTH')[0]!;
    expect(auth.attributes['db.query.text']).toBe('AUTH ? ?');
    expect(JSON.stringify(local.finished().map((s) => s.attributes))).not.toContain('the-password');
    expect(local.finished('ECHO')[0]!.attributes['db.query.text']).toBe(`ECHO ${'a'.repeat(15)}`);
    // Two ECHOs: each span has its own text; the duration points (one series per operation) carry no text at all.
    await conn.sendCommand(['ECHO', 'b']);
    expect(local.finished('ECHO').map((s) => s.attributes['db.query.text'])).toEqual([`ECHO ${'a'.repeat(15)}`, 'ECHO b']);
    const points = await local.points('db.client.operation.duration', { 'db.operation.name': 'ECHO' });
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes['db.query.text']).toBeUndefined();
    // A pipeline's batch size is on its span only.
    const pipe = new Connection({ ...STANDALONE, lazyConnect: true });
    await pipe.connect();
    await new Promise<void>((resolve) => {
      let left = 2;
      pipe.sendBatch([{ args: ['PING'] }, { args: ['PING'] }], { settle: () => { if (--left === 0) resolve(); } });
    });
    pipe.destroy();
    expect(local.finished('PIPELINE')[0]!.attributes['db.operation.batch.size']).toBe(2);
    for (const point of await local.points('db.client.operation.duration', { 'db.operation.name': 'PIPELINE' })) {
      expect(point.attributes['db.operation.batch.size']).toBeUndefined();
    }
  } finally {
    conn.destroy();
    await local.close();
  }
});

test('includeCommands/excludeCommands filter spans and duration metrics; traces: false keeps metrics only', async () => {
  await client.ping();
  expect(otel.finished('PING')).toEqual([]);
  expect(await otel.total('db.client.operation.duration', { 'db.operation.name': 'PING' })).toBe(0);

  const only = otelHarness({ includeCommands: ['get'], traces: false });
  try {
    await client.set(`${prefix}s`, 'v');
    await client.get(`${prefix}s`);
    expect(only.finished()).toEqual([]);
    expect(await only.total('db.client.operation.duration', { 'db.operation.name': 'GET' })).toBe(1);
    expect(await only.total('db.client.operation.duration', { 'db.operation.name': 'SET' })).toBe(0);
  } finally {
    await only.close();
  }
});

test('histogram buckets are the ones configured', async () => {
  const local = otelHarness({ traces: false, buckets: { operationDuration: [0.5, 1] } });
  try {
    await client.get(`${prefix}s`);
    const [point] = await local.points('db.client.operation.duration', { 'db.operation.name': 'GET' });
    expect((point!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual([0.5, 1]);
  } finally {
    await local.close();
  }
});

test('a pool at its limit shows its waiters; the wait, connection counts and create time are measured', async () => {
  const pool = new BlockingConnectionPool({ ...STANDALONE, maxConnections: 1, sharedConnections: 1 });
  try {
    // Named, so its figures are not summed with the other pools of this endpoint.
    const unname = otel.instrumentation!.nameConnection('waiters-test', () => [pool]);
    const first = await pool.acquire();
    const second = pool.acquire();
    const name = { 'db.client.connection.pool.name': pool.endpointLabel, 'redwire.connection.name': 'waiters-test' };
    const waiting = await otel.points('redwire.client.pool.waiters', name);
    expect(waiting.reduce((n, p) => n + Number(p.value), 0)).toBe(1);
    expect(await otel.points('db.client.connection.count', { ...name, 'db.client.connection.state': 'used' }))
      .toEqual([expect.objectContaining({ value: 1 })]);
    expect(await otel.points('db.client.connection.max', name)).toEqual([expect.objectContaining({ value: 1 })]);
    const waitsBefore = await otel.total('db.client.connection.wait_time', name);
    setTimeout(() => pool.release(first), 30);
    pool.release(await second);
    expect(await otel.total('db.client.connection.wait_time', name)).toBe(waitsBefore + 1);
    const [wait] = await otel.points('db.client.connection.wait_time', name);
    expect((wait!.value as { max: number }).max).toBeGreaterThanOrEqual(0.02);
    expect((await otel.points('redwire.client.pool.waiters', name)).reduce((n, p) => n + Number(p.value), 0)).toBe(0);
    expect(await otel.points('db.client.connection.count', { ...name, 'db.client.connection.state': 'idle' }))
      .toEqual([expect.objectContaining({ value: 1 })]);
    expect(await otel.total('db.client.connection.create_time', { 'server.port': STANDALONE.port })).toBeGreaterThanOrEqual(1);
    unname();
  } finally {
    await pool.disconnect({ graceful: false });
  }
});

test('reconnect attempts are counted from the pool\'s reconnecting event', async () => {
  const local = new RedisClient({ ...STANDALONE });
  try {
    await local.connect();
    const before = await otel.total('redwire.client.connection.reconnects');
    await client.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes').catch(() => undefined);
    await waitUntil('a reconnect attempt to be counted', async () => (await otel.total('redwire.client.connection.reconnects')) > before);
    // A GET may still meet the killed socket (written before its close arrived): the client answers again soon after.
    expect(await waitUntil('the client answering again', () => local.get(`${prefix}s`).catch(() => undefined), 10_000, 20)).toBe('v');
  } finally {
    await local.quit();
  }
});

test('client-side cache hits, misses and evictions are counted', async () => {
  const cached = new RedisClient({ ...STANDALONE, clientCache: { maxEntries: 1 } });
  try {
    await cached.connect();
    const hits = await otel.total('redis.client.csc.requests', { 'redis.client.csc.result': 'hit' });
    const misses = await otel.total('redis.client.csc.requests', { 'redis.client.csc.result': 'miss' });
    const full = await otel.total('redis.client.csc.evictions', { 'redis.client.csc.reason': 'full' });
    await cached.get(`${prefix}s`);
    await cached.get(`${prefix}s`);
    await cached.get(`${prefix}p1`);
    expect(await otel.total('redis.client.csc.requests', { 'redis.client.csc.result': 'hit' })).toBe(hits + 1);
    expect(await otel.total('redis.client.csc.requests', { 'redis.client.csc.result': 'miss' })).toBe(misses + 2);
    expect(await otel.total('redis.client.csc.evictions', { 'redis.client.csc.reason': 'full' })).toBe(full + 1);
  } finally {
    await cached.quit();
  }
});

test('disable() stops every span and measurement', async () => {
  const local = otelHarness();
  local.instrumentation!.disable();
  await client.get(`${prefix}s`);
  expect(local.finished()).toEqual([]);
  expect(await local.total('db.client.operation.duration')).toBe(0);
  await local.close();
});
