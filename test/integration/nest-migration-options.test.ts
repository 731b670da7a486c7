import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { ConfigError } from '../../lib/errors/index.js';
import { RedisModule, RedisService, type RedisModuleClient } from '../../lib/nest/index.js';
import { HOST, requireTopology, STANDALONE, STANDALONE_ACL } from '../support/topology.js';

const URL = `redis://${HOST}:${STANDALONE.port}`;

beforeAll(async () => {
  await requireTopology('standalone');
});

function capturingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const capture = (level: string) => (message: unknown, ...rest: unknown[]) => {
    lines.push(`${level} [${String(rest[rest.length - 1])}] ${String(message)}`);
  };
  return { lines, log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug'), verbose: capture('verbose') };
}

test('closeClient: false leaves the client open and usable after app.close()', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [RedisModule.forRoot({ url: URL, closeClient: false, logger: false })],
  }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  const client = app.get(RedisService).get() as unknown as RedisClient;
  const id = await client.call('CLIENT', 'ID');
  await app.close();
  try {
    // The same socket, not a reconnect.
    expect(await client.call('CLIENT', 'ID')).toBe(id);
  } finally {
    await client.quit();
  }
});

test('by default app.close() closes the client', async () => {
  const moduleRef = await Test.createTestingModule({ imports: [RedisModule.forRoot({ url: URL, logger: false })] }).compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  const client = app.get(RedisService).get() as unknown as RedisClient;
  await app.close();
  await expect(client.call('PING')).rejects.toThrow();
});

test('two connections from one forRoot: shared commonOptions, hooks once each, ready lines through the app logger', async () => {
  const created: string[] = [];
  const ready: [string, unknown][] = [];
  const logger = capturingLogger();
  const { username, password } = STANDALONE_ACL.users.app;
  const moduleRef = await Test.createTestingModule({
    imports: [
      RedisModule.forRoot({
        commonOptions: { username, password, clientName: 'redwire-migration' },
        onClientCreated: (_client, name) => created.push(name),
        onClientReady: async (client: RedisModuleClient, name) => {
          ready.push([name, await client.call('CLIENT', 'GETNAME')]);
        },
        connections: {
          default: { url: `redis://${HOST}:${STANDALONE_ACL.port}` },
          second: { url: `redis://${HOST}:${STANDALONE_ACL.port}/1`, readyLog: false },
        },
      }),
    ],
  })
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  const service = app.get(RedisService);
  expect(await service.get('second').call('PING')).toBe('PONG');
  expect(service.names()).toEqual(['default', 'second']);
  expect(() => service.getOrThrow('third')).toThrow(ConfigError);
  expect(() => service.getOrThrow('third')).toThrow(/'third' \(configured: 'default', 'second'\)/);
  await app.close();

  expect(created.sort()).toEqual(['default', 'second']);
  expect(ready.sort()).toEqual([['default', 'redwire-migration'], ['second', 'redwire-migration']]);
  const ours = logger.lines.filter((line) => line.includes('[RedisModule]'));
  expect(ours).toContain(`log [RedisModule] Connection 'default': Ready: ${HOST}:${STANDALONE_ACL.port}`);
  expect(ours.some((line) => line.includes("Connection 'second': Ready"))).toBe(false);
  expect(ours.some((line) => line.includes("Connection 'second': Closed"))).toBe(true);
  expect(logger.lines.join('\n')).not.toContain(password);
});
