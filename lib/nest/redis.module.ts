import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ConfigError } from '../errors/index.js';
import { DEFAULT_REDIS_CONNECTION } from './redis.constants.js';
import {
  getClusterServiceToken,
  getConnectionPoolToken,
  getRawRedisOptionsToken,
  getRedisConnectionToken,
  getRedisOptionsToken,
  getRedisToken,
  getSentinelServiceToken,
} from './get-redis-token.util.js';
import { RedisLifecycle } from './redis-lifecycle.js';
import type { RedisModuleAsyncOptions, RedisModuleOptionsFactory } from './redis-module-async-options.interface.js';
import type { RedisModuleRootOptions } from './redis-module-options.interface.js';
import { validateRedisModuleOptions, type ResolvedRedisModuleOptions } from './validate-redis-module-options.js';

function checkName(name: unknown): string {
  if (name === undefined) return DEFAULT_REDIS_CONNECTION;
  if (typeof name !== 'string' || name === '' || /[\s:]/.test(name)) {
    throw new ConfigError(`Invalid Redis connection name ${JSON.stringify(name)}: expected a non-empty string without spaces or ':'.`);
  }
  return name;
}

/**
 * The providers of one named connection. Every provider is a factory with an explicit `inject`, so nothing
 * depends on emitted decorator metadata (the module works however the app is compiled).
 */
function connectionProviders(name: string): Provider[] {
  const lifecycle = getRedisConnectionToken(name);
  return [
    {
      provide: getRedisOptionsToken(name),
      useFactory: (raw: unknown) => validateRedisModuleOptions(raw, name),
      inject: [getRawRedisOptionsToken(name)],
    },
    {
      provide: lifecycle,
      useFactory: (options: ResolvedRedisModuleOptions, modules: ModulesContainer | undefined) =>
        new RedisLifecycle(options, modules),
      inject: [getRedisOptionsToken(name), { token: ModulesContainer, optional: true }],
    },
    { provide: getRedisToken(name), useFactory: (l: RedisLifecycle) => l.markClientProvided(), inject: [lifecycle] },
    { provide: getConnectionPoolToken(name), useFactory: (l: RedisLifecycle) => l.service('pool'), inject: [lifecycle] },
    { provide: getSentinelServiceToken(name), useFactory: (l: RedisLifecycle) => l.service('sentinel'), inject: [lifecycle] },
    { provide: getClusterServiceToken(name), useFactory: (l: RedisLifecycle) => l.service('cluster'), inject: [lifecycle] },
  ];
}

function exportedTokens(name: string): string[] {
  return [
    getRedisToken(name),
    getConnectionPoolToken(name),
    getSentinelServiceToken(name),
    getClusterServiceToken(name),
    getRedisOptionsToken(name),
    getRedisConnectionToken(name),
  ];
}

/**
 * `RedisModule.forRoot(options)` / `forRootAsync(...)`: one named connection per call, any number per app. Follows
 * `ConfigurableModuleBuilder` conventions (`isGlobal`, `useFactory`/`useClass`/`useExisting`, factory method
 * `create()`), hand-written because the builder has one options token per module and we need one per name.
 */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleRootOptions = {}): DynamicModule {
    const name = checkName(options.name);
    return {
      module: RedisModule,
      global: options.isGlobal === true,
      providers: [{ provide: getRawRedisOptionsToken(name), useValue: options }, ...connectionProviders(name)],
      exports: exportedTokens(name),
    };
  }

  static forRootAsync(options: RedisModuleAsyncOptions): DynamicModule {
    const name = checkName(options.name);
    const ways = [options.useFactory, options.useClass, options.useExisting].filter((way) => way !== undefined);
    if (ways.length !== 1) {
      throw new ConfigError(
        `RedisModule.forRootAsync for connection '${name}': give exactly one of useFactory, useClass or useExisting (got ${ways.length}).`,
      );
    }
    const raw = getRawRedisOptionsToken(name);
    const extra: Provider[] = [];
    if (options.useFactory) {
      extra.push({ provide: raw, useFactory: options.useFactory, inject: options.inject ?? [] });
    } else {
      const factoryClass = (options.useClass ?? options.useExisting) as NonNullable<RedisModuleAsyncOptions['useClass']>;
      if (options.useClass) extra.push({ provide: factoryClass, useClass: factoryClass });
      extra.push({
        provide: raw,
        useFactory: (factory: RedisModuleOptionsFactory) => factory.create(),
        inject: [factoryClass],
      });
    }
    return {
      module: RedisModule,
      global: options.isGlobal === true,
      imports: options.imports ?? [],
      providers: [...extra, ...connectionProviders(name)],
      exports: exportedTokens(name),
    };
  }
}
