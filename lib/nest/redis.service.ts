import type { ModuleRef } from '@nestjs/core';
import { ConfigError } from '../errors/index.js';
import type { ModulesView } from './assert-topology-services.js';
import { getRedisToken } from './get-redis-token.util.js';
import { DEFAULT_REDIS_CONNECTION } from './redis.constants.js';
import { RedisLifecycle } from './redis-lifecycle.js';
import type { RedisModuleClient } from './redis-module-options.interface.js';

/**
 * The connections by name, for code that picks one at run time (`@InjectRedis(name)` is the static way). Looks the
 * client token up in the app, so a client overridden in a testing module
 * (`overrideProvider(getRedisToken(name))`) is what it returns.
 */
export class RedisService {
  constructor(
    private readonly moduleRef: Pick<ModuleRef, 'get'>,
    private readonly modules: ModulesView | undefined,
  ) {}

  /** The client of connection `name` (default `'default'`); throws like `getOrThrow` when there is none. */
  get(name: string = DEFAULT_REDIS_CONNECTION): RedisModuleClient {
    return this.getOrThrow(name);
  }

  /** The client of connection `name`, or a `ConfigError` naming it and the connections that are configured. */
  getOrThrow(name: string = DEFAULT_REDIS_CONNECTION): RedisModuleClient {
    const client = this.getOrNil(name);
    if (client !== null) return client;
    const names = this.names();
    const configured = names.length === 0 ? 'none is configured' : `configured: ${names.map((n) => `'${n}'`).join(', ')}`;
    throw new ConfigError(
      `No Redis connection named '${name}' (${configured}). Register it with RedisModule.forRoot({ name: '${name}', ... }) ` +
        `in a module this one imports (or with isGlobal: true), or ask for one of those names.`,
    );
  }

  /** The client of connection `name`, or `null` when there is none. */
  getOrNil(name: string = DEFAULT_REDIS_CONNECTION): RedisModuleClient | null {
    try {
      return this.moduleRef.get<RedisModuleClient>(getRedisToken(name), { strict: false });
    } catch {
      return null; // Nest's "unknown element": no such provider in the app
    }
  }

  /** Names of the connections registered in the app, sorted. */
  names(): string[] {
    const names = new Set<string>();
    for (const module of this.modules?.values() ?? []) {
      for (const wrapper of module.providers?.values() ?? []) {
        if (wrapper.instance instanceof RedisLifecycle) names.add(wrapper.instance.name);
      }
    }
    return [...names].sort();
  }
}
