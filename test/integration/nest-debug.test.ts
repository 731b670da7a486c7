import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { RedisModule } from '../../lib/nest/index.js';
import { RedisHealthIndicator, RedisHealthModule } from '../../lib/nest/health/index.js';
import { SENTINEL } from '../support/topology.js';
const SENTINEL_URL = `redis+sentinel://${SENTINEL.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL.masterName}`;
it('dbg', async () => {
  const t0 = Date.now();
  const log = (...a: unknown[]) => process.stderr.write(`${Date.now() - t0} ${a.map((x) => JSON.stringify(x)).join(' ')}\n`);
  const app = (await Test.createTestingModule({ imports: [RedisModule.forRoot({ url: SENTINEL_URL }), RedisHealthModule] }).compile()).createNestApplication();
  await app.init();
  log('init');
  const r = await app.get(RedisHealthIndicator).isHealthy('redis', { timeout: 1500, minReplicas: 2, minSentinels: 3 });
  log(r);
  await app.close();
  log('closed');
}, 30000);
