import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health.js';

/** Import next to `TerminusModule` to inject `RedisHealthIndicator` into a health controller. */
@Module({
  imports: [TerminusModule],
  providers: [
    // Explicit factory: no reliance on emitted decorator metadata.
    {
      provide: RedisHealthIndicator,
      useFactory: (moduleRef: ModuleRef, service: HealthIndicatorService) => new RedisHealthIndicator(moduleRef, service),
      inject: [ModuleRef, HealthIndicatorService],
    },
  ],
  exports: [RedisHealthIndicator],
})
export class RedisHealthModule {}
