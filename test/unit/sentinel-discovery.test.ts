import { jest } from '@jest/globals';
import { inspect } from 'node:util';
import { ConnectionError, MasterNotFoundError, ReadOnlyError, ReplicaNotFoundError, ResponseError } from '../../lib/errors/index.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { Sentinel } from '../../lib/sentinel/sentinel.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { FakeSentinelConnection, type FakeHandler } from '../support/fake-sentinel-connection.js';

const NAME = 'redwire-primary';
const masterReply = (port: number, flags = 'master', others = 2): RespValue => [
  'name', NAME, 'ip', '127.0.0.1', 'port', String(port), 'flags', flags, 'num-other-sentinels', String(others),
];
const replicaReply = (port: number, flags = 'slave'): RespValue => [
  'ip', '127.0.0.1', 'port', String(port), 'flags', flags, 'master-link-status', 'ok',
];

function sentinelAnswering(masterPort: number, replicas: RespValue[] = [], flags = 'master', others = 2): FakeHandler {
  return (args) => {
    const sub = args[1]?.toUpperCase();
    if (sub === 'MASTER') return masterReply(masterPort, flags, others);
    if (sub === 'REPLICAS') return replicas;
    if (sub === 'SENTINELS') return [['ip', '127.0.0.1', 'port', '26409', 'flags', 'sentinel']];
    throw new ResponseError('ERR unknown');
  };
}

function setup(handlers: Map<number, FakeHandler>, ports = [26400, 26401, 26402], extra: object = {}) {
  const log: string[] = [];
  const sentinel = new Sentinel({
    sentinels: ports.map((port) => ({ host: '127.0.0.1', port })),
    watchFailover: false,
    sentinelConnectionFactory: (options) => new FakeSentinelConnection(options, handlers, log).asPoolConnection(),
    ...extra,
  });
  return { sentinel, log };
}

describe('Sentinel discovery', () => {
  it('skips a dead sentinel and asks the one that answered first next time', async () => {
    const { sentinel, log } = setup(new Map([[26401, sentinelAnswering(6400)], [26402, sentinelAnswering(6400)]]));
    await expect(sentinel.discoverMaster(NAME)).resolves.toEqual({ host: '127.0.0.1', port: 6400 });
    expect(sentinel.sentinels.map((s) => s.port)).toEqual([26401, 26400, 26402]);
    log.length = 0;
    await sentinel.discoverMaster(NAME);
    expect(log).toEqual([`26401 SENTINEL MASTER ${NAME}`]);
    await sentinel.close();
  });

  it('refuses a master that is down or seen by too few sentinels, and says what each sentinel answered', async () => {
    const handlers = new Map<number, FakeHandler>([
      [26400, sentinelAnswering(6400, [], 'master,s_down')],
      [26401, sentinelAnswering(6400, [], 'master', 0)],
      [26402, () => { throw new ResponseError('ERR No such master with that name'); }],
    ]);
    const { sentinel } = setup(handlers, [26400, 26401, 26402, 26403], { minOtherSentinels: 1 });
    const error = await sentinel.discoverMaster(NAME).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterNotFoundError);
    const message = (error as Error).message;
    expect(message).toMatch(/127\.0\.0\.1:26400 reports the master 127\.0\.0\.1:6400 as s_down/);
    expect(message).toMatch(/127\.0\.0\.1:26401 sees only 0 other sentinel/);
    expect(message).toMatch(/127\.0\.0\.1:26402 failed: ResponseError: ERR No such master/);
    expect(message).toMatch(/127\.0\.0\.1:26403 failed: ConnectionError: connect ECONNREFUSED/);
    await sentinel.close();
  });

  it('returns healthy replicas only, and adds peers from SENTINEL SENTINELS', async () => {
    const replicas = [replicaReply(6401), replicaReply(6402, 'slave,s_down')];
    const { sentinel } = setup(new Map([[26400, sentinelAnswering(6400, replicas)]]), [26400]);
    await expect(sentinel.discoverReplicas(NAME)).resolves.toEqual([{ host: '127.0.0.1', port: 6401 }]);
    await expect(sentinel.refreshSentinels(NAME)).resolves.toEqual([
      { host: '127.0.0.1', port: 26400 },
      { host: '127.0.0.1', port: 26409 },
    ]);
    await sentinel.close();
  });
});

describe('Sentinel endpoint resolver', () => {
  it('shares one discovery between concurrent reconnects', async () => {
    const { sentinel, log } = setup(new Map([[26400, sentinelAnswering(6400)]]), [26400]);
    const resolver = sentinel.resolver(NAME, 'master');
    const endpoints = await Promise.all(Array.from({ length: 20 }, () => resolver.resolve()));
    expect(new Set(endpoints.map((e) => e.port))).toEqual(new Set([6400]));
    expect(log).toHaveLength(1);
    await sentinel.close();
  });

  it('round-robins replicas and falls back to the master when none is healthy', async () => {
    let replicas: RespValue[] = [replicaReply(6401), replicaReply(6402)];
    const handler = sentinelAnswering(6400);
    const { sentinel } = setup(
      new Map([[26400, (args: string[]) => (args[1] === 'REPLICAS' ? replicas : handler(args))]]),
      [26400],
    );
    const resolver = sentinel.resolver(NAME, 'replica');
    const ports = [];
    for (let i = 0; i < 4; i++) ports.push((await resolver.resolve()).port);
    expect(ports).toEqual([6401, 6402, 6401, 6402]);
    replicas = [replicaReply(6401, 'slave,o_down')];
    expect((await resolver.resolve()).port).toBe(6400);
    await sentinel.close();
  });

  it('fails with ReplicaNotFoundError naming the sentinels when there is neither replica nor master', async () => {
    const { sentinel } = setup(new Map([[26400, sentinelAnswering(6400, [], 'master,o_down')]]), [26400, 26401]);
    const error = await sentinel.resolver(NAME, 'replica').resolve().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicaNotFoundError);
    expect((error as Error).message).toMatch(/26400 lists no healthy replica.*26401 failed.*o_down/);
    await sentinel.close();
  });

  it('rejects a node whose ROLE is not the one asked for, and trusts +switch-master addresses', async () => {
    const { sentinel } = setup(new Map([[26400, sentinelAnswering(6400)]]), [26400]);
    const resolver = sentinel.resolver(NAME, 'master');
    const endpoint = await resolver.resolve();
    const asSlave = async (): Promise<unknown> => ['slave', '127.0.0.1', 6401, 'connected', 0];
    await expect(resolver.afterHandshake(asSlave, endpoint)).rejects.toThrow(/ROLE is 'slave'/);
    await expect(resolver.afterHandshake(async () => ['master', 0, []], endpoint)).resolves.toBeUndefined();

    const moved: Error[] = [];
    resolver.attach({ reconnectAll: (cause) => moved.push(cause as Error) });
    resolver.switchMaster({ host: '127.0.0.1', port: 6401 });
    expect(moved).toHaveLength(1);
    expect(moved[0]).toBeInstanceOf(ConnectionError);
    expect(moved[0]?.message).toMatch(/moved from 127\.0\.0\.1:6400 to 127\.0\.0\.1:6401/);
    expect((await resolver.resolve()).port).toBe(6401);
    await sentinel.close();
  });

  it('backs off between failed discoveries', async () => {
    // The backoff ends when the test moves the clock: no wall-clock margin.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { sentinel, log } = setup(new Map(), [26400], { discoveryBackoff: { base: 200, cap: 200 } });
      const resolver = sentinel.resolver(NAME, 'master');
      await expect(resolver.resolve()).rejects.toBeInstanceOf(MasterNotFoundError);
      let second: unknown = 'pending';
      const settled = resolver.resolve().then(() => (second = 'resolved'), (error: unknown) => (second = error));
      await jest.advanceTimersByTimeAsync(199);
      expect(second).toBe('pending'); // still inside the 200 ms backoff
      await jest.advanceTimersByTimeAsync(1);
      await settled;
      expect(second).toBeInstanceOf(MasterNotFoundError);
      expect(log).toEqual([]);
      await sentinel.close();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('Sentinel-managed master pool', () => {
  it('moves every connection once when a burst of commands gets READONLY from a demoted master', async () => {
    const { sentinel, created, reconnects } = demotedMaster({}, []);
    const pool = sentinel.masterPool(NAME);
    const replies = await Promise.allSettled(Array.from({ length: 10 }, () => pool.sendCommand(['SET', 'k', 'v'])));
    expect(replies.every((r) => r.status === 'rejected' && r.reason instanceof ReadOnlyError)).toBe(true);
    expect(created.length).toBeGreaterThan(0);
    expect(reconnects()).toBe(created.length);
    await pool.disconnect({ graceful: false });
    await sentinel.close();
  });
});

/**
 * A sentinel whose master (6400) answers READONLY to everything, with `replicas` (by default 6401, READONLY too);
 * `created` holds the data-node connections.
 */
function demotedMaster(extra: object = {}, replicas: RespValue[] = [replicaReply(6401)]) {
  const log: string[] = [];
  const created: FakeSentinelConnection[] = [];
  const handlers = new Map<number, FakeHandler>([
    [26400, sentinelAnswering(6400, replicas)],
    [6400, () => { throw new ReadOnlyError("READONLY You can't write against a read only replica."); }],
    [6401, () => { throw new ReadOnlyError("READONLY You can't write against a read only replica."); }],
  ]);
  const sentinel = new Sentinel({
    sentinels: [{ host: '127.0.0.1', port: 26400 }],
    watchFailover: false,
    checkRole: false,
    sentinelConnectionFactory: (options) => new FakeSentinelConnection(options, handlers, log).asPoolConnection(),
    connectionFactory: (options) => {
      const conn = new FakeSentinelConnection({ ...options, port: 6400 }, handlers, log);
      created.push(conn);
      return conn.asPoolConnection();
    },
    ...extra,
  });
  const reconnects = (): number => created.reduce((sum, conn) => sum + conn.reconnects, 0);
  return { sentinel, created, reconnects };
}

describe('READONLY on every path of a Sentinel master client', () => {
  it('a leased connection, a pipeline and a transaction each trigger re-discovery', async () => {
    const paths: [string, (client: RedisClient) => Promise<unknown>][] = [
      ['lease', (client) => client.pool.withConnection((conn) => conn.sendCommand(['SET', 'k', 'v']))],
      ['pipeline', (client) => client.pipeline().set('k', 'v').exec()],
      ['transaction', (client) => client.multi().set('k', 'v').exec()],
    ];
    for (const [path, run] of paths) {
      // A fresh sentinel per path: the resolver moves pools at most once per backoffCap.
      const { sentinel, reconnects } = demotedMaster();
      const client = sentinel.master(NAME, { lazyConnect: true });
      const outcome = await run(client).then((value) => value, (error: unknown) => error);
      // The caller still sees READONLY (in the pipeline's result array, or as the rejection).
      expect(JSON.stringify(outcome, (_k, v: unknown) => (v instanceof Error ? v.name : v))).toMatch(/ReadOnlyError/);
      expect({ path, moved: reconnects() > 0 }).toEqual({ path, moved: true });
      await client.disconnect();
      await sentinel.close();
    }
  });

  it('a replica client that gets READONLY (a write sent to a replica) does not move', async () => {
    const { sentinel, reconnects } = demotedMaster();
    const client = sentinel.replica(NAME, { lazyConnect: true });
    await expect(client.set('k', 'v')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(client.pool.withConnection((conn) => conn.sendCommand(['SET', 'k', 'v']))).rejects.toBeInstanceOf(ReadOnlyError);
    expect(reconnects()).toBe(0);
    await client.disconnect();
    await sentinel.close();
  });

  it('a user onReplyError hook still sees every error reply', async () => {
    const seen: string[] = [];
    const { sentinel } = demotedMaster();
    const client = sentinel.master(NAME, { lazyConnect: true, onReplyError: (error, endpoint) => seen.push(`${error.name} ${endpoint}`) });
    await expect(client.set('k', 'v')).rejects.toBeInstanceOf(ReadOnlyError);
    expect(seen).toEqual([expect.stringMatching(/^ReadOnlyError .*:6400$/)]);
    await client.disconnect();
    await sentinel.close();
  });
});

describe('duplicate() of a Sentinel client', () => {
  it('is managed by the same resolver: moved at +switch-master and on READONLY, released when closed', async () => {
    const { sentinel, created } = demotedMaster();
    const client = sentinel.master(NAME, { lazyConnect: true });
    const copy = client.duplicate({ lazyConnect: true });
    expect(copy.pool).not.toBe(client.pool);
    await expect(copy.set('k', 'v')).rejects.toBeInstanceOf(ReadOnlyError);
    const copyConns = created.filter((conn) => conn.reconnects > 0);
    expect(copyConns.length).toBeGreaterThan(0);
    // A failover announced to the resolver moves the copy's connections too.
    const resolver = sentinel.resolver(NAME, 'master');
    const before = copyConns.map((conn) => conn.reconnects);
    resolver.switchMaster({ host: '127.0.0.1', port: 6401 });
    expect(copyConns.map((conn) => conn.reconnects)).toEqual(before.map((n) => n + 1));
    // Once closed, the copy leaves the resolver.
    await copy.disconnect();
    resolver.switchMaster({ host: '127.0.0.1', port: 6400 });
    expect(copyConns.map((conn) => conn.reconnects)).toEqual(before.map((n) => n + 1));
    await client.disconnect();
    await sentinel.close();
  });
});

describe('Sentinel secrets', () => {
  it('never shows sentinel or data-node passwords in util.inspect', async () => {
    const { sentinel } = setup(new Map([[26400, sentinelAnswering(6400)]]), [26400], {
      password: 'node-secret-pw',
      sentinelOptions: { username: 'sentinel-user', password: 'sentinel-secret-pw' },
    });
    const pool = sentinel.masterPool(NAME, { lazyConnect: true });
    const shown = inspect(sentinel, { depth: 10 }) + inspect(pool, { depth: 10 }) + inspect(pool.resolver, { depth: 10 });
    expect(shown).not.toMatch(/secret-pw/);
    expect(shown).toContain('127.0.0.1:26400');
    await pool.disconnect({ graceful: false });
    await sentinel.close();
  });
});
