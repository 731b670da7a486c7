import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
// In your app: import { RedisModule } from 'redwire/nest' and { RedisHealthModule } from 'redwire/nest/health'.
import { RedisModule } from '../lib/nest/index.js';
import { RedisHealthModule } from '../lib/nest/health/index.js';
import { CacheController } from './cache.controller.js';
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
    TerminusModule,
    RedisHealthModule,
  ],
  controllers: [CounterController, CacheController, HealthController],
})
export class AppModule {}
