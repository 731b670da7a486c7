import { Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { REDIS_OTEL_OPTIONS } from './redis-otel.constants.js';
import type { RedisOtelModuleOptions } from './redis-otel-options.interface.js';
import { RedisOtelService } from './redis-otel.service.js';

/**
 * OpenTelemetry for redwire in a Nest app: `RedisOtelModule.forRoot({ connections: ['default', 'cache'] })` next to
 * `RedisModule.forRoot(...)`. Spans and metrics follow `instrumentRedwire` options; the named connections' metrics
 * carry `redwire.connection.name`. Start the OpenTelemetry SDK before `NestFactory.create`.
 */
@Module({})
export class RedisOtelModule {
  static forRoot(options: RedisOtelModuleOptions = {}): DynamicModule {
    return {
      module: RedisOtelModule,
      providers: [
        { provide: REDIS_OTEL_OPTIONS, useValue: options },
        // Explicit factory: no reliance on emitted decorator metadata.
        {
          provide: RedisOtelService,
          useFactory: (opts: RedisOtelModuleOptions, moduleRef: ModuleRef) => new RedisOtelService(opts, moduleRef),
          inject: [REDIS_OTEL_OPTIONS, ModuleRef],
        },
      ],
      exports: [RedisOtelService],
    };
  }
}
