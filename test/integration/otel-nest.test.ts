import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { RedisApi } from '../../lib/client/redis-api.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { getRedisToken, RedisModule } from '../../lib/nest/index.js';
import { RedisHealthIndicator, RedisHealthModule } from '../../lib/nest/health/index.js';
import { RedisOtelModule, RedisOtelService } from '../../lib/nest/otel/index.js';
import { HOST, requireTopology, STANDALONE } from '../support/topology.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const URL = `redis://${HOST}:${STANDALONE.port}`;
let otel: OtelHarness;
let app: INestApplication | undefined;

beforeAll(async () => {
  await requireTopology('standalone');
});
beforeEach(() => {
  otel = otelHarness({}, { instrument: false });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await otel.close();
});

async function boot(otelOptions: Parameters<typeof RedisOtelModule.forRoot>[0]): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      RedisModule.forRoot({ connections: { cache: { url: URL }, jobs: { url: URL } }, logger: false }),
      RedisOtelModule.forRoot(otelOptions),
      RedisHealthModule,
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

test('RedisOtelModule instruments the app and names the configured connections; shutdown disables it', async () => {
  const nest = await boot({ connections: ['cache'], tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  expect(nest.get(RedisOtelService).instrumentation).toBeDefined();
  const cache = nest.get<RedisApi>(getRedisToken('cache'));
  await cache.set('redwire:otel:nest', '1');
  expect(otel.finished('SET').length).toBeGreaterThanOrEqual(1);
  const named = await otel.points('db.client.connection.count', { 'redwire.connection.name': 'cache', 'db.client.connection.state': 'used' });
  expect(named).toEqual([expect.objectContaining({ value: 1 })]);
  // 'jobs' was not listed: its pool is not named.
  const jobs = await otel.points('db.client.connection.count', { 'redwire.connection.name': 'jobs' });
  expect(jobs).toEqual([]);

  await nest.close();
  app = undefined;
  otel.spans.reset();
  const other = new RedisClient({ ...STANDALONE });
  try {
    await other.get('redwire:otel:nest');
    expect(otel.finished()).toEqual([]);
  } finally {
    await other.quit();
  }
});

test('an unknown connection name fails the start with a ConfigError naming it', async () => {
  await expect(boot({ connections: ['nope'], meterProvider: otel.meterProvider })).rejects.toThrow(/no Redis connection named 'nope'/);
});

test('the health details include the pool figures', async () => {
  const nest = await boot({ connections: ['cache'], meterProvider: otel.meterProvider, tracerProvider: otel.tracerProvider });
  const result: HealthIndicatorResult<'redis'> = await nest.get(RedisHealthIndicator).isHealthy('redis', { connection: 'cache' });
  expect(result.redis).toMatchObject({
    status: 'up',
    pool: { shared: 1, leased: 0, waiters: 0, maxConnections: expect.any(Number), total: expect.any(Number) },
  });
});
