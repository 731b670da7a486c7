import 'reflect-metadata';
import { Injectable, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { RedisApi } from '../../lib/client/redis-api.js';
import {
  getRedisConnectionToken,
  getRedisToken,
  InjectRedis,
  RedisModule,
  RedisService,
  validateRedisModuleOptions,
  type RedisConnection,
  type RedisConnectionEvent,
  type RedisModuleBehaviourOptions,
  type RedisModuleOptions,
} from '../../lib/nest/index.js';
import { configErrorMessage } from '../support/config-error.js';

/** A connection double that records what the module does and lets the test emit connection events. */
class FakeConnection implements RedisConnection {
  readonly client: RedisApi;
  readonly label = '127.0.0.1:1';
  readonly events: string[] = [];
  #listeners: ((event: RedisConnectionEvent) => void)[] = [];
  constructor(readonly name: string, readonly topology: 'standalone' | 'sentinel' | 'cluster' = 'standalone') {
    this.client = { id: `client:${name}` } as unknown as RedisApi;
  }
  async connect(): Promise<void> {
    this.events.push('connect');
    this.emit({ type: 'ready', message: `Connection ready: ${this.label}` });
  }
  async close(): Promise<void> {
    this.events.push('close');
  }
  async probe(): Promise<string> {
    return 'PONG';
  }
  onEvent(listener: (event: RedisConnectionEvent) => void): void {
    this.#listeners.push(listener);
  }
  emit(event: RedisConnectionEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function factory(made: FakeConnection[]): RedisModuleOptions['connectionFactory'] {
  return (options, name) => {
    const connection = new FakeConnection(name, options.topology ?? 'standalone');
    made.push(connection);
    return connection;
  };
}

/** A LoggerService that keeps every line with its level and context. */
function capturingLogger(): LoggerService & { lines: { level: string; message: string; context: unknown }[] } {
  const lines: { level: string; message: string; context: unknown }[] = [];
  const capture = (level: string) => (message: unknown, ...rest: unknown[]) => {
    lines.push({ level, message: String(message), context: rest[rest.length - 1] });
  };
  return { lines, log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug'), verbose: capture('verbose') };
}

describe('readyLog / errorLog', () => {
  async function run(extra: RedisModuleBehaviourOptions): Promise<{ lines: { level: string; message: string; context: unknown }[] }> {
    const made: FakeConnection[] = [];
    const logger = capturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ name: 'orders', connectionFactory: factory(made), ...extra })],
    })
      .setLogger(logger)
      .compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    made[0]?.emit({ type: 'error', message: '127.0.0.1:1: ConnectionError: connection lost' });
    await app.close();
    return { lines: logger.lines.filter((line) => line.context === 'RedisModule') };
  }

  it('logs through Nest\'s Logger with context RedisModule, each line naming the connection', async () => {
    const { lines } = await run({});
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.message.startsWith("Connection 'orders': "))).toBe(true);
    expect(lines).toContainEqual({ level: 'log', message: "Connection 'orders': Ready: 127.0.0.1:1", context: 'RedisModule' });
    expect(lines).toContainEqual({
      level: 'error',
      message: "Connection 'orders': 127.0.0.1:1: ConnectionError: connection lost",
      context: 'RedisModule',
    });
  });

  it('readyLog: false drops the ready lines, errorLog: false the error lines', async () => {
    const quiet = await run({ readyLog: false, errorLog: false });
    expect(quiet.lines.filter((line) => /ready/i.test(line.message))).toEqual([]);
    expect(quiet.lines.filter((line) => line.level === 'error')).toEqual([]);
    // The rest of the lifecycle is still logged.
    expect(quiet.lines.map((line) => line.message)).toContain("Connection 'orders': Closed 127.0.0.1:1");
  });

  it('passes the context to a LoggerService given as `logger`, and never logs the password', async () => {
    const logger = capturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          name: 'secret',
          logger,
          failFast: false,
          options: { port: 1, password: 'pw-never-logged', retry: false, connectTimeout: 500 },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.close();
    expect(logger.lines.some((line) => line.level === 'warn' && /Could not connect to 127\.0\.0\.1:1/.test(line.message))).toBe(true);
    expect(logger.lines.every((line) => line.context === 'RedisModule' && line.message.startsWith("Connection 'secret': "))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain('pw-never-logged');
  });
});

describe('closeClient', () => {
  async function closeEvents(closeClient: boolean | undefined): Promise<string[]> {
    const made: FakeConnection[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ connectionFactory: factory(made), logger: false, closeClient })],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    await app.close();
    return made[0]?.events ?? [];
  }

  it('closes on shutdown by default and leaves the connection open with closeClient: false', async () => {
    expect(await closeEvents(undefined)).toEqual(['connect', 'close']);
    expect(await closeEvents(true)).toEqual(['connect', 'close']);
    expect(await closeEvents(false)).toEqual(['connect']);
  });
});

describe('onClientCreated / onClientReady', () => {
  it('runs each hook once per connection, with the client and its name', async () => {
    const made: FakeConnection[] = [];
    const created: [unknown, string][] = [];
    const ready: [unknown, string][] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          logger: false,
          connectionFactory: factory(made),
          onClientCreated: (client, name) => created.push([client, name]),
          onClientReady: async (client, name) => {
            ready.push([client, name]);
          },
          connections: { default: {}, cache: {} },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    // Later ready events (reconnects) do not run the hook again.
    for (const connection of made) connection.emit({ type: 'ready', message: 'Connection ready: again' });
    expect(created.map(([, name]) => name).sort()).toEqual(['cache', 'default']);
    expect(ready.map(([, name]) => name).sort()).toEqual(['cache', 'default']);
    for (const [client, name] of [...created, ...ready]) expect(client).toBe(made.find((c) => c.name === name)?.client);
    await app.close();
  });

  it('awaits onClientReady during bootstrap; a rejection fails it', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          logger: false,
          connectionFactory: factory([]),
          onClientReady: async () => {
            throw new Error('warm-up failed');
          },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await expect(app.init()).rejects.toThrow('warm-up failed');
    await app.close();
  });

  it('with connectOnInit: false, runs onClientReady on the first ready event', async () => {
    const made: FakeConnection[] = [];
    const ready: string[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          logger: false,
          connectOnInit: false,
          connectionFactory: factory(made),
          onClientReady: (_client, name) => {
            ready.push(name);
          },
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    expect(ready).toEqual([]);
    await made[0]?.connect();
    made[0]?.emit({ type: 'ready', message: 'again' });
    expect(ready).toEqual(['default']);
    await app.close();
  });
});

describe('RedisService', () => {
  it('get / getOrThrow / getOrNil by name; getOrThrow names the connection and lists the configured ones', async () => {
    const made: FakeConnection[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({ connectionFactory: factory(made), logger: false }),
        RedisModule.forRoot({ name: 'cache', connectionFactory: factory(made), logger: false }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const service = app.get(RedisService);
    expect(service.get()).toBe(made.find((c) => c.name === 'default')?.client);
    expect(service.getOrThrow('cache')).toBe(made.find((c) => c.name === 'cache')?.client);
    expect(service.getOrNil('sessions')).toBeNull();
    expect(service.names()).toEqual(['cache', 'default']);
    const message = configErrorMessage(() => service.getOrThrow('sessions'));
    expect(message).toMatch(/No Redis connection named 'sessions' \(configured: 'cache', 'default'\)/);
    expect(configErrorMessage(() => service.get('sessions'))).toBe(message);
    // @nestjs-modules/ioredis's token helper, same meaning: the client.
    expect(app.get(getRedisConnectionToken('cache'))).toBe(service.get('cache'));
    expect(app.get(getRedisConnectionToken())).toBe(service.get());
    await app.close();
  });
});

describe('swapping a connection in Test.createTestingModule', () => {
  it('overrideProvider(getRedisToken(name)) reaches @InjectRedis and RedisService; the real client is never connected', async () => {
    const made: FakeConnection[] = [];
    const created: string[] = [];
    const fake = { get: async () => 'from the fake' };
    @Injectable()
    class Consumer {
      constructor(@InjectRedis('cache') readonly redis: typeof fake, readonly service: RedisService) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({
          name: 'cache',
          connectionFactory: factory(made),
          logger: false,
          onClientCreated: (_client, name) => created.push(name),
        }),
      ],
      providers: [
        { provide: Consumer, useFactory: (redis: typeof fake, service: RedisService) => new Consumer(redis, service), inject: [getRedisToken('cache'), RedisService] },
      ],
    })
      .overrideProvider(getRedisToken('cache'))
      .useValue(fake)
      .compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const consumer = app.get(Consumer);
    expect(consumer.redis).toBe(fake);
    expect(consumer.service.get('cache')).toBe(fake);
    expect(made.flatMap((c) => c.events)).toEqual([]);
    expect(created).toEqual([]);
    await app.close();
  });
});

describe('options users bring from other modules', () => {
  it('checks the new options', () => {
    expect(configErrorMessage(() => validateRedisModuleOptions({ readyLog: 'yes' }, 'd'))).toMatch(/'readyLog': expected true or false/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ closeClient: 1 }, 'd'))).toMatch(/'closeClient'/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ onClientReady: 'x' }, 'd'))).toMatch(/'onClientReady': expected a function/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ commonOptions: [] }, 'd'))).toMatch(/'commonOptions': expected an object/);
    const resolved = validateRedisModuleOptions({}, 'd');
    expect(resolved).toMatchObject({ readyLog: true, errorLog: true, closeClient: true });
  });

  it.each([
    [{ config: { host: 'h' } }, /'config': not an option of this module: 'config' \(@liaoliaots\/nestjs-redis\).*connections: \{ <name>/],
    [{ namespace: 'cache' }, /'namespace'.*use 'name'/],
    [{ type: 'single', url: 'redis://h' }, /'type'.*use 'topology': 'standalone' \(for 'single'\)/],
    [{ nodes: [{ host: 'h', port: 1 }] }, /'nodes'.*'options.nodes', with topology: 'cluster'/],
    [{ created: () => undefined }, /'created'.*use 'onClientCreated'/],
    [{ options: { url: 'redis://h' } }, /'options.url': not an option here: the URL goes at the top level/],
    [{ options: { retryStrategy: () => 1 } }, /'options.retryStrategy'.*use 'retry'/],
    [{ options: { lazyConnect: true } }, /'options.lazyConnect'.*connectOnInit: false/],
    [{ topology: 'cluster', options: { nodes: ['h:1'], redisOptions: { password: 'x' } } }, /'options.redisOptions'/],
    [{ commonOptions: { keyPrefix: 'app:' } }, /'commonOptions.keyPrefix'.*prefix keys in your own code/],
    [{ commonOptions: { host: 'h' } }, /'commonOptions.host'.*set per connection/],
    [{ bogus: 1 }, /'bogus': unknown option/],
  ])('%j is a ConfigError naming our option', (options, pattern) => {
    const message = configErrorMessage(() => validateRedisModuleOptions(options, 'orders'));
    expect(message).toMatch(/^Redis connection 'orders': invalid option /);
    expect(message).toMatch(pattern);
  });

  it('merges commonOptions under the options; a URL overrides the common options, the own options win over both', () => {
    const plain = validateRedisModuleOptions({ commonOptions: { password: 'p', db: 1 }, options: { port: 6390, db: 2 } }, 'a');
    expect(plain.client.options).toEqual({ password: 'p', db: 2, port: 6390 });
    const url = validateRedisModuleOptions({ commonOptions: { db: 1, commandTimeout: 900 }, url: 'redis://h:1/3', options: { clientName: 'x' } }, 'b');
    expect(url.client.options).toMatchObject({ host: 'h', port: 1, db: 3, commandTimeout: 900, clientName: 'x' });
    expect(url.given).toEqual({ url: 'redis://h:1/3', options: { db: 1, commandTimeout: 900, clientName: 'x' } });
  });

  it('forRoot({ connections }) gives each connection the shared options, its own winning', () => {
    const module = RedisModule.forRoot({
      isGlobal: true,
      readyLog: false,
      commonOptions: { password: 'p', db: 1 },
      connections: { default: { url: 'redis://a:1' }, cache: { readyLog: true, commonOptions: { db: 4 }, options: { port: 2 } } },
    });
    expect(module.global).toBe(true);
    const raw = (module.providers ?? []).flatMap((p) => ('useValue' in p ? [[p.provide, p.useValue]] : []));
    expect(Object.fromEntries(raw)).toEqual({
      'redwire:raw-options:default': { readyLog: false, commonOptions: { password: 'p', db: 1 }, url: 'redis://a:1' },
      'redwire:raw-options:cache': { readyLog: true, commonOptions: { password: 'p', db: 4 }, options: { port: 2 } },
    });
    expect(module.exports).toContain(RedisService);
  });

  it('refuses misplaced connection fields and the (options, name) call form', () => {
    expect(configErrorMessage(() => RedisModule.forRoot({ connections: {} }))).toMatch(/no connection given/);
    expect(configErrorMessage(() => RedisModule.forRoot({ connections: { a: { url: 'redis://h' } }, url: 'redis://x' } as never)))
      .toMatch(/'url' belongs to one connection/);
    expect(configErrorMessage(() => RedisModule.forRoot({ connections: { a: { name: 'b' } as never } }))).toMatch(/connections\.a\.name/);
    const forRoot = RedisModule.forRoot as (...args: unknown[]) => unknown;
    expect(configErrorMessage(() => forRoot.call(RedisModule, { url: 'redis://h' }, 'cache'))).toMatch(/the connection name goes in 'name'/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ connections: {} }, 'x'))).toMatch(/forRootAsync registers one connection/);
  });
});
