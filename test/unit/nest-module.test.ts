import 'reflect-metadata';
import { inspect } from 'node:util';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigError } from '../../lib/errors/index.js';
import {
  getRedisToken,
  getRedisConnectionHandleToken,
  getRedisOptionsToken,
  InjectCluster,
  InjectRedis,
  RedisModule,
  type RedisConnection,
  type RedisModuleOptions,
} from '../../lib/nest/index.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';

/** A connection double: records what the lifecycle does with it. */
class FakeConnection implements Omit<RedisConnection, 'client'> {
  readonly client: { calls: RedisArg[][]; call(...args: RedisArg[]): Promise<string> };
  readonly label = '127.0.0.1:1';
  events: string[] = [];
  constructor(
    readonly name: string,
    readonly topology: 'standalone' | 'sentinel' | 'cluster' = 'standalone',
    private readonly failConnect = false,
  ) {
    const calls: RedisArg[][] = [];
    this.client = { calls, call: async (...args) => (calls.push(args), 'OK') };
  }
  async connect(): Promise<void> {
    this.events.push('connect');
    if (this.failConnect) throw new Error('ECONNREFUSED');
  }
  async close(timeoutMs: number): Promise<void> {
    this.events.push(`close:${timeoutMs}`);
  }
  async probe(): Promise<string> {
    return 'PONG';
  }
}

function fakeFactory(made: FakeConnection[], failConnect = false): RedisModuleOptions['connectionFactory'] {
  return (options, name) => {
    const connection = new FakeConnection(name, options.topology ?? 'standalone', failConnect);
    made.push(connection);
    // The double's client has only what the lifecycle calls, not the whole RedisApi.
    return connection as unknown as RedisConnection;
  };
}

describe('RedisModule (no server)', () => {
  it('provides one client per name and connects on init, closes on shutdown', async () => {
    const made: FakeConnection[] = [];
    @Injectable()
    class Consumer {
      constructor(@InjectRedis() readonly a: object, @InjectRedis('other') readonly b: object) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({ connectionFactory: fakeFactory(made), shutdownTimeout: 1234, logger: false }),
        RedisModule.forRoot({ name: 'other', connectionFactory: fakeFactory(made), logger: false }),
      ],
      providers: [Consumer],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const consumer = app.get(Consumer);
    expect(made.map((c) => c.name).sort()).toEqual(['default', 'other']);
    expect(consumer.a).toBe(made.find((c) => c.name === 'default')?.client);
    expect(consumer.b).toBe(made.find((c) => c.name === 'other')?.client);
    expect(made.every((c) => c.events.join() === 'connect')).toBe(true);
    await app.close();
    expect(made.find((c) => c.name === 'default')?.events).toEqual(['connect', 'close:1234']);
  });

  it('fails bootstrap when a service the topology lacks is injected, naming it', async () => {
    @Injectable()
    class NeedsCluster {
      constructor(@InjectCluster('cache') readonly cluster: object) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ name: 'cache', connectionFactory: fakeFactory([]), logger: false })],
      providers: [NeedsCluster],
    }).compile();
    const app = moduleRef.createNestApplication();
    const failure = app.init();
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/NeedsCluster injects @InjectCluster\('cache'\).*standalone connection, so it has no ClusterService/);
    await app.close();
  });

  it('rejects bad options at bootstrap with the connection and field named, never the password', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          name: 'sessions',
          logger: false,
          options: { password: 's3cret-pw', port: 99999 },
        }),
      ],
    }).compile();
    await expect(moduleRef).rejects.toThrow(ConfigError);
    await expect(moduleRef).rejects.toThrow(/Redis connection 'sessions'.*'port'/);
    await expect(moduleRef).rejects.not.toThrow(/s3cret-pw/);
  });

  it('lets tests override the client token; the real client is then never connected', async () => {
    const made: FakeConnection[] = [];
    const mock = { call: async () => 'mocked' };
    @Injectable()
    class Consumer {
      constructor(@InjectRedis('x') readonly redis: typeof mock) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ name: 'x', connectionFactory: fakeFactory(made), logger: false })],
      providers: [Consumer],
    })
      .overrideProvider(getRedisToken('x'))
      .useValue(mock)
      .compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    expect(app.get(Consumer).redis).toBe(mock);
    expect(made.flatMap((c) => c.events)).not.toContain('connect');
    await app.close();
  });

  it('with failFast, an unreachable server fails bootstrap and the connection is closed', async () => {
    const made: FakeConnection[] = [];
    @Module({ imports: [RedisModule.forRoot({ connectionFactory: fakeFactory(made, true), logger: false })] })
    class AppModule {}
    const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
    await expect(app.init()).rejects.toThrow('ECONNREFUSED');
    expect(made[0]?.events).toEqual(['connect', 'close:5000']);
    await app.close();
  });

  it('without failFast, bootstrap succeeds when the server is unreachable', async () => {
    const made: FakeConnection[] = [];
    const app = (
      await Test.createTestingModule({
        imports: [RedisModule.forRoot({ connectionFactory: fakeFactory(made, true), failFast: false, logger: false })],
      }).compile()
    ).createNestApplication();
    await expect(app.init()).resolves.toBe(app);
    await app.close();
    expect(made[0]?.events).toEqual(['connect', 'close:5000']);
  });

  it('never shows a password when the options or the lifecycle are inspected', async () => {
    const app = (
      await Test.createTestingModule({
        imports: [
          RedisModule.forRoot({
            url: 'redis://app:url-pw-123@127.0.0.1:6390',
            options: { password: 'opt-pw-456', sentinelOptions: undefined },
            connectionFactory: fakeFactory([]),
            logger: false,
          }),
        ],
      }).compile()
    ).createNestApplication();
    await app.init();
    const shown = inspect(app.get(getRedisOptionsToken()), { depth: 10 }) + inspect(app.get(getRedisConnectionHandleToken()), { depth: 10 });
    expect(shown).toMatch(/redacted|\*\*\*/);
    expect(shown).not.toMatch(/url-pw-123|opt-pw-456/);
    await app.close();
  });

  it('forRootAsync builds the options with useClass', async () => {
    const made: FakeConnection[] = [];
    @Injectable()
    class RedisConfig {
      create(): RedisModuleOptions {
        return { url: 'redis://127.0.0.1:6390', connectionFactory: fakeFactory(made), logger: false, shutdownTimeout: 42 };
      }
    }
    const app = (
      await Test.createTestingModule({ imports: [RedisModule.forRootAsync({ name: 'cls', useClass: RedisConfig })] }).compile()
    ).createNestApplication();
    await app.init();
    expect(app.get(getRedisToken('cls'))).toBe(made[0]?.client);
    await app.close();
    expect(made[0]?.events).toEqual(['connect', 'close:42']);
  });
});
