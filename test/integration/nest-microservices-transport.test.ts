/**
 * redwire/nest/microservices against real Nest (@nestjs/microservices 12) and real Redis: request/response, events,
 * timeouts and status; wire compatibility both ways with Nest's built-in Redis transport (ioredis); registration from
 * config (ClientsModule.registerAsync + connectMicroservice({ strategy }) reusing a RedisModule connection);
 * Sentinel (runs on it, no failover triggered) and Cluster over shard channels.
 */
import 'reflect-metadata';
import { Controller, type INestApplication, Inject, Module, type Type } from '@nestjs/common';
import {
  ClientProxyFactory,
  ClientsModule,
  EventPattern,
  MessagePattern,
  Payload,
  Transport,
  type ClientProxy,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { firstValueFrom, timeout as rxTimeout } from 'rxjs';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { createClient } from '../../lib/create-client.js';
import { TimeoutError } from '../../lib/errors/index.js';
import { RedisTransportClient, RedisTransportServer, type RedisTransportOptions } from '../../lib/microservices/index.js';
import { getRedisToken, RedisModule, type RedisApi } from '../../lib/nest/index.js';
import { sentinelHealthy } from '../support/sentinel-health.js';
import { CLUSTER, HOST, requireTopology, SENTINEL, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const P = `rw-ms-${process.pid}`;

/** A controller answering `<prefix>.sum`, `<prefix>.slow` and recording `<prefix>.logged` events. */
function serviceFor(prefix: string): { controller: Type<unknown>; events: unknown[] } {
  const events: unknown[] = [];
  @Controller()
  class MathController {
    @MessagePattern(`${prefix}.sum`)
    sum(@Payload() numbers: number[]): number {
      return numbers.reduce((a, b) => a + b, 0);
    }

    @MessagePattern(`${prefix}.slow`)
    async slow(@Payload() ms: number): Promise<string> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'late';
    }

    @EventPattern(`${prefix}.logged`)
    logged(@Payload() data: unknown): void {
      events.push(data);
    }
  }
  return { controller: MathController, events };
}

/** A Nest app whose microservice is `strategy` (or the built-in Redis transport), serving `controller`. */
async function startService(controller: Type<unknown>, strategy: RedisTransportServer | 'built-in'): Promise<INestApplication> {
  @Module({ controllers: [controller] })
  class ServiceModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ServiceModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (strategy === 'built-in') app.connectMicroservice({ transport: Transport.REDIS, options: { host: HOST, port: STANDALONE.port } });
  else app.connectMicroservice({ strategy });
  await app.startAllMicroservices();
  await app.init();
  return app;
}

async function exercise(client: Pick<ClientProxy, 'send' | 'emit'>, prefix: string, events: unknown[]): Promise<void> {
  expect(await firstValueFrom(client.send<number>(`${prefix}.sum`, [1, 2, 3]))).toBe(6);
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => firstValueFrom(client.send<number>(`${prefix}.sum`, [i, 1]))));
  expect(many).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  await firstValueFrom(client.emit(`${prefix}.logged`, { hello: prefix }));
  await waitUntil('the event', () => events.length > 0, 10_000, 20);
  expect(events).toEqual([{ hello: prefix }]);
}

let redis: RedisClient;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  await requireTopology('standalone');
  redis = new RedisClient({ ...STANDALONE });
  await redis.connect();
});

afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

afterAll(async () => {
  await redis.quit();
});

describe('RedisTransportServer + RedisTransportClient (standalone)', () => {
  it('answers requests, delivers events, reports status, and times requests out', async () => {
    const { controller, events } = serviceFor(`${P}.a`);
    const server = new RedisTransportServer({ client: redis });
    const app = await startService(controller, server);
    cleanup.push(() => app.close());
    const client = new RedisTransportClient({ client: redis, timeout: 300 });
    cleanup.push(() => client.close());
    const statuses: string[] = [];
    client.status.subscribe((s) => statuses.push(s));
    await client.connect();
    expect(statuses).toContain('connected');
    await exercise(client, `${P}.a`, events);

    // The transport's own timeout: a typed error; the reply channel is released afterwards.
    const slow = firstValueFrom(client.send(`${P}.a.slow`, 1000));
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toThrow(/No reply to .*\.slow' within 300 ms/);
    // rxjs timeout() works as with any ClientProxy.
    const unbounded = new RedisTransportClient({ client: redis });
    cleanup.push(() => unbounded.close());
    await expect(firstValueFrom(unbounded.send(`${P}.a.slow`, 1000).pipe(rxTimeout(200)))).rejects.toThrow(/Timeout/);
    // A pattern no service subscribes to: nobody answers, the request times out (as with the built-in client).
    const unhandled = new RedisTransportClient({ client: redis, timeout: 2000 });
    cleanup.push(() => unhandled.close());
    await expect(firstValueFrom(unhandled.send(`${P}.a.nothing`, 1))).rejects.toThrow(TimeoutError);
    const numsub = await redis.pubsubNumsub(`${P}.a.slow.reply`, `${P}.a.sum.reply`);
    expect(numsub).toEqual({ [`${P}.a.slow.reply`]: 0, [`${P}.a.sum.reply`]: 0 });
  });

  it('a redwire server answers a built-in (ioredis) client, and a built-in server answers a redwire client', async () => {
    const ours = serviceFor(`${P}.ours`);
    const app1 = await startService(ours.controller, new RedisTransportServer({ client: redis }));
    cleanup.push(() => app1.close());
    const builtInClient = ClientProxyFactory.create({ transport: Transport.REDIS, options: { host: HOST, port: STANDALONE.port } });
    cleanup.push(() => builtInClient.close());
    await builtInClient.connect();
    await exercise(builtInClient, `${P}.ours`, ours.events);

    const theirs = serviceFor(`${P}.theirs`);
    const app2 = await startService(theirs.controller, 'built-in');
    cleanup.push(() => app2.close());
    const client = new RedisTransportClient({ client: redis, timeout: 5000 });
    cleanup.push(() => client.close());
    await exercise(client, `${P}.theirs`, theirs.events);
  });

  it('registers from config: ClientsModule.registerAsync and connectMicroservice({ strategy }) on a named RedisModule connection', async () => {
    const { controller, events } = serviceFor(`${P}.cfg`);
    const MATH = Symbol('MATH');
    @Controller()
    class Holder {
      constructor(@Inject(MATH) readonly math: ClientProxy) {}
    }
    @Module({
      imports: [
        RedisModule.forRoot({ name: 'bus', url: `redis://${HOST}:${STANDALONE.port}`, logger: false }),
        ClientsModule.registerAsync([
          {
            name: MATH,
            imports: [RedisModule.forRoot({ name: 'bus', url: `redis://${HOST}:${STANDALONE.port}`, logger: false })],
            inject: [getRedisToken('bus')],
            useFactory: (bus: RedisApi) => ({ customClass: RedisTransportClient, options: { client: bus, timeout: 5000 } satisfies RedisTransportOptions }),
          },
        ]),
      ],
      controllers: [controller, Holder],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice({ strategy: new RedisTransportServer({ client: app.get<RedisApi>(getRedisToken('bus')) }) });
    await app.startAllMicroservices();
    await app.init();
    cleanup.push(() => app.close());
    const math = app.get(Holder).math;
    expect(math).toBeInstanceOf(RedisTransportClient);
    await exercise(math, `${P}.cfg`, events);

    // A transport with a client of its own (connection options) closes it with the transport.
    const own = new RedisTransportClient({ connection: `redis://${HOST}:${STANDALONE.port}`, timeout: 5000 });
    expect(await firstValueFrom(own.send<number>(`${P}.cfg.sum`, [40, 2]))).toBe(42);
    const ownClient = own.unwrap<RedisClient>();
    await own.close();
    expect(ownClient.pool.closed).toBe(true);
  });
});

describe('Sentinel and Cluster', () => {
  it('runs on a Sentinel client (following the current master)', async () => {
    await requireTopology('sentinel');
    await sentinelHealthy();
    const sentinelRedis = createClient({ topology: 'sentinel', sentinels: SENTINEL.sentinels, masterName: SENTINEL.masterName });
    cleanup.push(() => sentinelRedis.quit());
    const { controller, events } = serviceFor(`${P}.sentinel`);
    const app = await startService(controller, new RedisTransportServer({ client: sentinelRedis }));
    cleanup.push(() => app.close());
    const client = new RedisTransportClient({ client: sentinelRedis, timeout: 10_000 });
    cleanup.push(() => client.close());
    await exercise(client, `${P}.sentinel`, events);
  });

  it('runs on a Cluster over shard channels (SSUBSCRIBE/SPUBLISH on the owning shard)', async () => {
    await requireTopology('cluster');
    const cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    cleanup.push(() => cluster.quit());
    const prefix = `${P}.cluster`;
    const { controller, events } = serviceFor(prefix);
    const server = new RedisTransportServer({ client: cluster });
    const app = await startService(controller, server);
    cleanup.push(() => app.close());
    const client = new RedisTransportClient({ client: cluster, timeout: 10_000 });
    cleanup.push(() => client.close());
    await exercise(client, prefix, events);
    // The request channel is a shard channel on its slot's primary, not a classic channel.
    // (PUBSUB SHARDNUMSUB is routed to the shard that owns the channel's slot.)
    expect(await cluster.pubsubShardnumsub(`${prefix}.sum`)).toEqual({ [`${prefix}.sum`]: 1 });
    expect(await cluster.pubsubNumsub(`${prefix}.sum`)).toEqual({ [`${prefix}.sum`]: 0 });
  });
});
