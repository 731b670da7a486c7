import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { ConfigError } from '../errors/index.js';
import { DEFAULT_REDIS_CONNECTION } from './redis.constants.js';
import {
  getClusterServiceToken,
  getConnectionPoolToken,
  getRawRedisOptionsToken,
  getRedisConnectionHandleToken,
  getRedisOptionsToken,
  getRedisToken,
  getSentinelServiceToken,
} from './get-redis-token.util.js';
import { RedisLifecycle } from './redis-lifecycle.js';
import type { RedisModuleAsyncOptions, RedisModuleOptionsFactory } from './redis-module-async-options.interface.js';
import type {
  RedisModuleConnectionsOptions,
  RedisModuleOptions,
  RedisModuleRootOptions,
} from './redis-module-options.interface.js';
import { RedisService } from './redis.service.js';
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
  const lifecycle = getRedisConnectionHandleToken(name);
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

/** `RedisService` for the whole app; every `RedisModule` registration provides one (they all see every connection). */
const redisServiceProvider: Provider = {
  provide: RedisService,
  useFactory: (moduleRef: ModuleRef, modules: ModulesContainer | undefined) => new RedisService(moduleRef, modules),
  inject: [ModuleRef, { token: ModulesContainer, optional: true }],
};

/** `forRoot(options, name)` / `forRoot(options, isGlobal)` of other Redis modules: say where those go here. */
function refuseExtraArguments(method: string, count: number): void {
  if (count > 1) {
    throw new ConfigError(
      `RedisModule.${method} takes one options object: the connection name goes in 'name' and globality in 'isGlobal' ` +
        `(e.g. RedisModule.${method}({ name: 'cache', isGlobal: true, ... })).`,
    );
  }
}

/** Splits `forRoot({ connections, ...shared })` into one raw options object per connection name. */
function splitConnections(options: RedisModuleConnectionsOptions): [string, RedisModuleOptions][] {
  const { connections, isGlobal: _isGlobal, ...shared } = options;
  const fail = (problem: string): never => {
    throw new ConfigError(`RedisModule.forRoot({ connections }): ${problem}`);
  };
  if (connections === null || typeof connections !== 'object' || Array.isArray(connections)) {
    fail(`expected an object mapping each connection name to its options, e.g. { default: { url }, cache: { url } }.`);
  }
  const entries = Object.entries(connections);
  if (entries.length === 0) fail(`no connection given.`);
  for (const key of ['url', 'topology', 'options', 'name'] as const) {
    if ((shared as Record<string, unknown>)[key] !== undefined) {
      fail(`'${key}' belongs to one connection: put it inside connections.<name> (the key is the connection's name).`);
    }
  }
  return entries.map(([name, own]) => {
    if (own === null || typeof own !== 'object' || Array.isArray(own)) {
      return fail(`connections.${name}: expected the connection's options ({ url } or { options }), got ${Array.isArray(own) ? 'an array' : String(own)}.`);
    }
    for (const key of ['name', 'isGlobal'] as const) {
      if ((own as Record<string, unknown>)[key] !== undefined) {
        fail(`connections.${name}.${key}: ${key === 'name' ? 'the key is the name' : 'isGlobal applies to the whole forRoot call'}; remove it.`);
      }
    }
    const common = shared.commonOptions === undefined && own.commonOptions === undefined
      ? undefined
      : { ...shared.commonOptions, ...own.commonOptions };
    const merged = { ...shared, ...own, ...(common === undefined ? {} : { commonOptions: common }) } as RedisModuleOptions;
    return [checkName(name), merged];
  });
}

function exportedTokens(name: string): string[] {
  return [
    getRedisToken(name),
    getConnectionPoolToken(name),
    getSentinelServiceToken(name),
    getClusterServiceToken(name),
    getRedisOptionsToken(name),
    getRedisConnectionHandleToken(name),
  ];
}

/**
 * `RedisModule.forRoot(options)` / `forRootAsync(...)`: one named connection per call, any number per app. Follows
 * `ConfigurableModuleBuilder` conventions (`isGlobal`, `useFactory`/`useClass`/`useExisting`, factory method
 * `create()`), hand-written because the builder has one options token per module and we need one per name.
 */
@Module({})
export class RedisModule {
  /**
   * One connection (`{ name?, url | options, ... }`) or several (`{ connections: { <name>: {...} }, commonOptions,
   * ... }`, the shared options applying to each). Every registration also provides `RedisService`.
   */
  static forRoot(options: RedisModuleRootOptions | RedisModuleConnectionsOptions = {}): DynamicModule {
    refuseExtraArguments('forRoot', arguments.length); // a JS caller's (options, name) or (options, isGlobal)
    const global = options.isGlobal === true;
    if ('connections' in options && options.connections !== undefined) {
      const connections = splitConnections(options);
      return {
        module: RedisModule,
        global,
        providers: [
          ...connections.flatMap(([name, raw]) => [{ provide: getRawRedisOptionsToken(name), useValue: raw }, ...connectionProviders(name)]),
          redisServiceProvider,
        ],
        exports: [...connections.flatMap(([name]) => exportedTokens(name)), RedisService],
      };
    }
    const single = options as RedisModuleRootOptions;
    const name = checkName(single.name);
    return {
      module: RedisModule,
      global,
      providers: [{ provide: getRawRedisOptionsToken(name), useValue: single }, ...connectionProviders(name), redisServiceProvider],
      exports: [...exportedTokens(name), RedisService],
    };
  }

  static forRootAsync(options: RedisModuleAsyncOptions): DynamicModule {
    refuseExtraArguments('forRootAsync', arguments.length);
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
      providers: [...extra, ...connectionProviders(name), redisServiceProvider],
      exports: [...exportedTokens(name), RedisService],
    };
  }
}
