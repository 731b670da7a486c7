import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { ClusterClient } from '../../lib/cluster/cluster-client.js';
import type { ClusterService } from '../../lib/cluster/cluster-service.js';
import { ConfigError } from '../../lib/errors/index.js';
import {
  InjectCluster,
  InjectConnectionPool,
  InjectRedis,
  InjectSentinel,
  RedisModule,
  type RedisCommands,
} from '../../lib/nest/index.js';
import type { ConnectionPool } from '../../lib/pool/connection-pool.js';
import type { SentinelService } from '../../lib/sentinel/sentinel-service.js';
import { CLUSTER, HOST, requireTopology, SENTINEL, STANDALONE, STANDALONE_ACL } from '../support/topology.js';

const SENTINEL_URL = `redis+sentinel://${SENTINEL.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL.masterName}`;
const CLUSTER_URL = `redis+cluster://${CLUSTER.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
const KEY = `redwire:nest-module:${process.pid}`;

function sockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
}

beforeAll(async () => {
  await requireTopology('standalone');
  await requireTopology('sentinel');
  await requireTopology('cluster');
});

describe('RedisModule against real servers', () => {
  it('injects named connections of different topologies side by side', async () => {
    @Injectable()
    class Consumer {
      constructor(
        @InjectRedis() readonly main: RedisCommands,
        @InjectConnectionPool() readonly pool: ConnectionPool,
        @InjectRedis('cache') readonly cache: ClusterClient,
        @InjectCluster('cache') readonly cluster: ClusterService,
      ) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({ url: `redis://${HOST}:${STANDALONE.port}`, logger: false }),
        RedisModule.forRoot({ name: 'cache', url: CLUSTER_URL, logger: false }),
      ],
      providers: [Consumer],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const consumer = app.get(Consumer);
      await consumer.main.set(KEY, 'standalone');
      await consumer.cache.set(KEY, 'cluster');
      expect(await consumer.main.get(KEY)).toBe('standalone');
      expect(await consumer.cache.get(KEY)).toBe('cluster');
      expect(consumer.pool.stats().shared).toBeGreaterThanOrEqual(1);
      expect((await consumer.cluster.clusterInfo()).state).toBe('ok');
      await consumer.main.del(KEY);
      await consumer.cache.del(KEY);
    } finally {
      await app.close();
    }
  });

  it('forRootAsync takes its URL from ConfigService and gives Sentinel connections a SentinelService', async () => {
    @Injectable()
    class Consumer {
      constructor(
        @InjectRedis('sessions') readonly redis: RedisCommands,
        @InjectSentinel('sessions') readonly sentinel: SentinelService,
      ) {}
    }
    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ redis: { url: SENTINEL_URL } })] }),
        RedisModule.forRootAsync({
          name: 'sessions',
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ url: config.getOrThrow<string>('redis.url'), logger: false }),
        }),
      ],
      providers: [Consumer],
    })
    class AppModule {}
    const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
    await app.init();
    try {
      const { redis, sentinel } = app.get(Consumer);
      expect(await redis.call('PING')).toBe('PONG');
      const role = (await redis.call('ROLE')) as unknown[];
      expect(role[0]).toBe('master');
      const master = await sentinel.master();
      expect(SENTINEL.redisPorts).toContain(master.port);
    } finally {
      await app.close();
    }
  });

  it('fails bootstrap on a bad option, naming the connection and field but not the password', async () => {
    const compile = Test.createTestingModule({
      imports: [
        RedisModule.forRootAsync({
          name: 'orders',
          useFactory: async () => ({ url: `redis://:hunter2-secret@${HOST}:${STANDALONE.port}`, options: { connectTimeout: -1 } }),
        }),
      ],
    }).compile();
    const error: unknown = await compile.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/Redis connection 'orders'/);
    expect((error as Error).message).toMatch(/connectTimeout/);
    expect((error as Error).message).not.toMatch(/hunter2/);
  });

  it('on app.close() lets in-flight commands finish, then rejects new ones and leaves no socket open', async () => {
    const before = sockets();
    @Injectable()
    class Consumer {
      constructor(@InjectRedis() readonly redis: RedisCommands) {}
    }
    const app = (
      await Test.createTestingModule({
        imports: [RedisModule.forRoot({ url: `redis://${HOST}:${STANDALONE.port}`, logger: false })],
        providers: [Consumer],
      }).compile()
    ).createNestApplication();
    app.enableShutdownHooks();
    await app.init();
    const { redis } = app.get(Consumer);
    await redis.del(KEY);
    // A slow command first, so the INCRs are still queued behind it on the socket when close starts.
    const inFlight = [redis.call('DEBUG', 'SLEEP', '0.2'), ...Array.from({ length: 50 }, () => redis.incr(KEY))];
    const closing = app.close();
    const results = await Promise.all(inFlight);
    expect(results[0]).toBe('OK');
    expect(results.slice(1)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await closing;
    await expect(redis.get(KEY)).rejects.toThrow(/closed/);
    expect(sockets()).toBe(before);

    // Clean up the key with a connection of its own.
    const cleanup = (await Test.createTestingModule({
      imports: [RedisModule.forRoot({ url: `redis://${HOST}:${STANDALONE.port}`, logger: false })],
      providers: [Consumer],
    }).compile()).createNestApplication();
    await cleanup.init();
    await cleanup.get(Consumer).redis.del(KEY);
    await cleanup.close();
  });

  it('logs connect, ready and close through the given LoggerService, never the password', async () => {
    const lines: string[] = [];
    const capture = (level: string) => (message: unknown, ...rest: unknown[]) => {
      lines.push(`${level} ${String(message)} ${rest.map(String).join(' ')}`);
    };
    const logger = { log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug') };
    const { username, password } = STANDALONE_ACL.users.app;
    const app = (
      await Test.createTestingModule({
        imports: [
          RedisModule.forRoot({
            name: 'acl',
            url: `redis://${username}:${password}@${HOST}:${STANDALONE_ACL.port}`,
            logger,
          }),
        ],
      }).compile()
    ).createNestApplication({ logger: false });
    await app.init();
    await app.close();
    const text = lines.join('\n');
    expect(text).toMatch(/Connecting to 127\.0\.0\.1:6392/);
    expect(text).toMatch(/Ready/);
    expect(text).toMatch(/Closed/);
    expect(text).not.toContain(password);
  });
});
