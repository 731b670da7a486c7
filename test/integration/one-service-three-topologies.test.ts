// One Nest service, written once against `RedisApi` through `@InjectRedis()`, runs unchanged on the standalone,
// Sentinel and Cluster test topologies: typed commands, a pipeline, a transaction, watch, pub/sub (channels,
// patterns, shard channels) and a scan. Keys share one hash tag so the transaction and watch work on Cluster.
import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { expectTypeOf } from 'expect-type';
import { createClient, type PoolConnectionEventInfo, type RedisApi, type ScoredMember } from '../../lib/index.js';
import { InjectRedis, RedisModule } from '../../lib/nest/index.js';
import { eventually, INTEGRATION_TOPOLOGIES, TOPOLOGY_URLS, type IntegrationTopology } from '../support/integration-topologies.js';
import { requireTopology } from '../support/topology.js';

/** Resolves with the first message `subscribe` delivers, or rejects after `ms` (no message is a failure). */
function firstMessage(subscribe: (listener: (message: string) => void) => Promise<() => Promise<void>>, ms = 5000) {
  let done!: (message: string) => void;
  const message = new Promise<string>((resolve, reject) => {
    done = resolve;
    setTimeout(() => reject(new Error(`no message within ${ms} ms`)), ms).unref();
  });
  return subscribe((m) => done(m)).then((unsubscribe) => ({ message, unsubscribe }));
}

@Injectable()
class LeaderboardService {
  constructor(@InjectRedis() private readonly redis: RedisApi) {}

  /** Everything below is plain RedisApi: no topology check, no cast. */
  async run(tag: string) {
    const key = (name: string): string => `{one-api:${tag}}:${name}`;
    await this.redis.del(key('visits'), key('name'), key('board'), key('profile'), key('stock'));

    // typed commands
    await this.redis.set(key('name'), 'redwire', { EX: 60 });
    const name = await this.redis.get(key('name'));
    await this.redis.zadd(key('board'), [{ member: 'ada', score: 3 }, { member: 'bob', score: 1 }]);

    // a pipeline, typed per position
    const [[visitsError, visits], [, cached], [, board]] = await this.redis.pipeline()
      .incr(key('visits'))
      .get(key('name'))
      .zrange(key('board'), 0, -1, { WITHSCORES: true })
      .exec();

    // a transaction (all keys in one slot), typed per position
    const [[, afterIncr], [, fieldsAdded], [, profile]] = await this.redis.multi()
      .incrby(key('visits'), 10)
      .hset(key('profile'), { name: 'ada', visits: '11' })
      .hgetall(key('profile'))
      .exec();

    // optimistic locking
    await this.redis.set(key('stock'), '5');
    const watched = await this.redis.watch(key('stock'), async (tx) => {
      const stock = Number(await tx.get(key('stock')));
      tx.multi().set(key('stock'), String(stock - 1));
    });

    // pub/sub: a channel, a pattern and a shard channel, each heard by this client
    const channel = key('news');
    const plain = await firstMessage((l) => this.redis.subscribe(channel, l));
    const pattern = await firstMessage((l) => this.redis.psubscribe(`${key('alerts')}:*`, l));
    const shard = await firstMessage((l) => this.redis.ssubscribe(key('shard-news'), l));
    await this.redis.publish(channel, 'hello');
    await this.redis.publish(`${key('alerts')}:disk`, 'full');
    await this.redis.spublish(key('shard-news'), 'sharded');
    const messages = [await plain.message, await pattern.message, await shard.message];
    await Promise.all([plain.unsubscribe(), pattern.unsubscribe(), shard.unsubscribe()]);

    // a scan (on Cluster: every primary in turn)
    const keys: string[] = [];
    for await (const found of this.redis.scanIterator({ MATCH: key('*') })) keys.push(found);

    return {
      name, visitsError, visits, cached, board, afterIncr, fieldsAdded, profile,
      watched, stock: await this.redis.get(key('stock')), messages, keys: keys.sort(),
    };
  }
}

describe.each(INTEGRATION_TOPOLOGIES)('one service on %s', (topology: IntegrationTopology) => {
  it('runs commands, a pipeline, a transaction, watch, pub/sub and a scan through @InjectRedis()', async () => {
    await requireTopology(topology);
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ url: TOPOLOGY_URLS[topology], logger: false })],
      providers: [LeaderboardService],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const service = app.get(LeaderboardService);
      const tag = `${topology}:${process.pid}`;
      // Sentinel: another suite may fail the master over; the client follows it, so a run cut by a failover is re-run.
      const result = await eventually(() => service.run(tag), topology === 'sentinel' ? 30_000 : 5_000);

      expectTypeOf(result.visits).toEqualTypeOf<number>();
      expectTypeOf(result.cached).toEqualTypeOf<string | null>();
      expectTypeOf(result.board).toEqualTypeOf<string[] | ScoredMember[]>();
      expectTypeOf(result.afterIncr).toEqualTypeOf<number>();
      expectTypeOf(result.profile).toEqualTypeOf<Record<string, string>>();

      const key = (name: string): string => `{one-api:${tag}}:${name}`;
      expect(result).toEqual({
        name: 'redwire',
        visitsError: null,
        visits: 1,
        cached: 'redwire',
        board: [{ member: 'bob', score: 1 }, { member: 'ada', score: 3 }],
        afterIncr: 11,
        fieldsAdded: 2,
        profile: { name: 'ada', visits: '11' },
        watched: [[null, 'OK']],
        stock: '4',
        messages: ['hello', 'full', 'sharded'],
        keys: [key('board'), key('name'), key('profile'), key('stock'), key('visits')].sort(),
      });
    } finally {
      await app.close();
    }
  });
});

describe.each(INTEGRATION_TOPOLOGIES)('client events on %s', (topology: IntegrationTopology) => {
  it('reports ready (with the endpoint) and end through the same RedisApi on/once/off', async () => {
    await requireTopology(topology);
    const client: RedisApi = createClient(TOPOLOGY_URLS[topology], { lazyConnect: true });
    const ready = new Promise<PoolConnectionEventInfo>((resolve) => client.once('ready', resolve));
    const ended = new Promise<void>((resolve) => client.on('end', resolve));
    const ignored = (): void => undefined;
    client.on('error', ignored).off('error', ignored);
    try {
      await eventually(() => client.ping(), topology === 'sentinel' ? 30_000 : 5_000);
      expect((await ready).endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await client.quit();
    }
    await ended;
  });
});
