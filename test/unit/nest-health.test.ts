import type { RedisApi } from '../../lib/client/redis-api.js';
import { checkRedisHealth } from '../../lib/nest/health/index.js';
import type { RedisConnection } from '../../lib/nest/index.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

function standalone(probe: (args: readonly RedisArg[]) => Promise<RespValue>): RedisConnection {
  return {
    name: 'default',
    topology: 'standalone',
    label: '127.0.0.1:6390',
    client: {} as unknown as RedisApi,
    connect: async () => undefined,
    close: async () => undefined,
    probe: (args) => probe(args),
  };
}

const NODES = [
  'a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
  'b2 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922',
  'c3 127.0.0.1:7002@17002 master - 0 0 3 connected 10923-16383',
  'd4 127.0.0.1:7003@17003 slave a1 0 0 1 connected',
  'e5 127.0.0.1:7004@17004 slave,fail b2 0 0 2 disconnected',
].join('\n');

function cluster(nodes: string, state = 'ok'): RedisConnection {
  return {
    ...standalone(async () => 'PONG'),
    topology: 'cluster',
    nodeProbe: async (args) => ({
      address: '127.0.0.1:7000',
      reply: args[1] === 'INFO' ? `cluster_state:${state}\r\ncluster_slots_assigned:16384\r\n` : nodes,
    }),
  };
}

describe('checkRedisHealth (no server)', () => {
  it('is up when PING answers, with the latency in the details', async () => {
    const report = await checkRedisHealth(standalone(async () => 'PONG'));
    expect(report.healthy).toBe(true);
    expect(report.details).toMatchObject({ connection: 'default', topology: 'standalone', address: '127.0.0.1:6390' });
    expect(typeof report.details.latencyMs).toBe('number');
  });

  it('is down, within its own timeout, when the server never answers', async () => {
    const report = await checkRedisHealth(standalone(() => new Promise<never>(() => undefined)), { timeout: 50 });
    expect(report.healthy).toBe(false);
    expect(String(report.details.reason)).toMatch(/TimeoutError.*50 ms/);
  });

  it('is down with the error when PING fails', async () => {
    const report = await checkRedisHealth(standalone(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6390');
    }));
    expect(report.healthy).toBe(false);
    expect(String(report.details.reason)).toMatch(/ECONNREFUSED/);
  });

  it('applies the memory threshold', async () => {
    const probe = async (args: readonly RedisArg[]): Promise<RespValue> =>
      args[0] === 'INFO' ? '# Memory\r\nused_memory:5000\r\n' : 'PONG';
    expect((await checkRedisHealth(standalone(probe), { maxUsedMemory: 10_000 })).healthy).toBe(true);
    const over = await checkRedisHealth(standalone(probe), { maxUsedMemory: 1000 });
    expect(over.healthy).toBe(false);
    expect(String(over.details.reason)).toMatch(/used_memory 5000/);
  });

  it('cluster: up when every slot is served, listing unreachable nodes', async () => {
    const report = await checkRedisHealth(cluster(NODES));
    expect(report.healthy).toBe(true);
    expect(report.details).toMatchObject({ slotsCovered: 16384, primaries: 3, replicas: 1, unreachableNodes: ['127.0.0.1:7004'] });
  });

  it('cluster: down when a slot range is uncovered or the state is not ok', async () => {
    const uncovered = NODES.replace('10923-16383', '10923-16000');
    const report = await checkRedisHealth(cluster(uncovered, 'fail'));
    expect(report.healthy).toBe(false);
    expect(report.details.slotsCovered).toBe(16384 - 383);
    expect(String(report.details.reason)).toMatch(/cluster_state is 'fail'.*383 of 16384 slots/);
  });

  it('cluster: down below minReplicas per primary', async () => {
    const report = await checkRedisHealth(cluster(NODES), { minReplicas: 1 });
    expect(report.healthy).toBe(false);
    expect(String(report.details.reason)).toMatch(/127.0.0.1:7001 has 0 healthy replica/);
  });
});
