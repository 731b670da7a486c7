import { BullModule } from '@nestjs/bullmq';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientsModule } from '@nestjs/microservices';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
// In your app: import from 'redwire', 'redwire/nest', 'redwire/nest/health', 'redwire/keyv', 'redwire/nest/throttler'.
import type { RedisApi } from '../lib/index.js';
import { getRedisToken, RedisModule } from '../lib/nest/index.js';
import { RedisHealthModule } from '../lib/nest/health/index.js';
import { RedwireKeyvStore } from '../lib/keyv/index.js';
import { RedisThrottlerStorage } from '../lib/throttler/index.js';
import { createBullMQConnection } from '../lib/bullmq/index.js';
import { RedisTransportClient } from '../lib/microservices/index.js';
import { CacheController } from './cache.controller.js';
import { CachedTimeController } from './cached-time.controller.js';
import { MailController, MailProcessor } from './mail.queue.js';
import { MATH_SERVICE, MathController } from './math.controller.js';
import { CounterController } from './counter.controller.js';
import { HealthController } from './health.controller.js';

/** The topology comes from REDIS_URL alone: redis://, rediss://, unix://, redis+sentinel:// or redis+cluster://. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6380';

@Module({
  imports: [
    RedisModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({ url: process.env.REDIS_URL ?? DEFAULT_REDIS_URL, shutdownTimeout: 3000 }),
    }),
    // cache-manager on the same Redis connection (what @nestjs/cache-manager's CACHE_MANAGER gives controllers).
    CacheModule.registerAsync({
      isGlobal: true,
      inject: [getRedisToken()],
      useFactory: (redis: RedisApi) => ({ stores: [new RedwireKeyvStore(redis, { namespace: 'sample-cache' })], ttl: 60_000 }),
    }),
    // Rate limits shared by every instance of the app: 300 requests a minute per client address.
    ThrottlerModule.forRootAsync({
      inject: [getRedisToken()],
      useFactory: (redis: RedisApi) => ({
        throttlers: [{ ttl: 60_000, limit: 300 }],
        storage: new RedisThrottlerStorage(redis, { keyPrefix: 'sample:throttle:' }),
      }),
    }),
    // BullMQ queues and workers on the same connection (BullMQ duplicates it for its blocking reads).
    BullModule.forRootAsync({
      inject: [getRedisToken()],
      useFactory: (redis: RedisApi) => ({ connection: createBullMQConnection(redis), prefix: 'sample:bull' }),
    }),
    BullModule.registerQueue({ name: 'mail' }),
    // The client side of the microservice main.ts starts (RedisTransportServer): requests over redwire pub/sub.
    ClientsModule.registerAsync([{
      name: MATH_SERVICE,
      inject: [getRedisToken()],
      useFactory: (redis: RedisApi) => ({ customClass: RedisTransportClient, options: { client: redis, timeout: 5000 } }),
    }]),
    TerminusModule,
    RedisHealthModule,
  ],
  controllers: [CounterController, CacheController, CachedTimeController, MailController, MathController, HealthController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }, MailProcessor],
})
export class AppModule {}
