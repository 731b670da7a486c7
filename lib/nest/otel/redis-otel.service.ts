import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ClusterClient, ConfigError, type ConnectionPool } from '../../index.js';
import { instrumentRedwire, type RedwireInstrumentation } from '../../otel/index.js';
import { getRedisConnectionHandleToken } from '../get-redis-token.util.js';
import { DEFAULT_REDIS_CONNECTION } from '../redis.constants.js';
import type { RedisConnection } from '../redis-connection.js';
import type { RedisLifecycle } from '../redis-lifecycle.js';
import { REDIS_OTEL_OPTIONS } from './redis-otel.constants.js';
import type { RedisOtelModuleOptions } from './redis-otel-options.interface.js';

/** The pools of one connection now: its pool (standalone, Sentinel) or the node pools of its cluster. */
function poolsOf(connection: RedisConnection): () => Iterable<ConnectionPool> {
  const client = connection.client;
  if (client instanceof ClusterClient) return () => client.nodesManager.nodePools().map(({ pool }) => pool);
  const pool = connection.pool;
  return () => (pool === undefined ? [] : [pool]);
}

/** Starts (or reuses) the instrumentation and names the configured RedisModule connections on it. */
@Injectable()
export class RedisOtelService implements OnModuleInit, OnApplicationShutdown {
  #instrumentation: RedwireInstrumentation | undefined;
  readonly #undo: (() => void)[] = [];

  constructor(
    @Inject(REDIS_OTEL_OPTIONS) private readonly options: RedisOtelModuleOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The running instrumentation (undefined before the module started). */
  get instrumentation(): RedwireInstrumentation | undefined {
    return this.#instrumentation;
  }

  onModuleInit(): void {
    const { connections = [DEFAULT_REDIS_CONNECTION], instrumentation, ...options } = this.options;
    const lifecycles = connections.map((name) => {
      try {
        return { name, lifecycle: this.moduleRef.get<RedisLifecycle>(getRedisConnectionHandleToken(name), { strict: false }) };
      } catch {
        throw new ConfigError(
          `RedisOtelModule: no Redis connection named '${name}'. Register it with RedisModule.forRoot({ name: '${name}', ... }) ` +
            'or remove it from RedisOtelModule.forRoot({ connections }).',
        );
      }
    });
    this.#instrumentation = instrumentation ?? instrumentRedwire(options);
    for (const { name, lifecycle } of lifecycles) {
      this.#undo.push(this.#instrumentation.nameConnection(name, poolsOf(lifecycle.connection)));
    }
  }

  onApplicationShutdown(): void {
    for (const undo of this.#undo.splice(0)) undo();
    if (this.options.instrumentation === undefined) this.#instrumentation?.disable();
    this.#instrumentation = undefined;
  }
}
