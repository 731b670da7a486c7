import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { RedisClient } from '../../lib/client/redis-client.js';
import { RedisModule } from '../../lib/nest/index.js';
import { RedisHealthIndicator, RedisHealthModule } from '../../lib/nest/health/index.js';
import { CLUSTER, HOST, requireTopology, SENTINEL, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { sentinelTopologyHealthy } from '../support/sentinel-admin.js';

const run = promisify(execFile);
const SENTINEL_URL = `redis+sentinel://${SENTINEL.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL.masterName}`;
const CLUSTER_URL = `redis+cluster://${CLUSTER.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;

type Details = Record<string, unknown> & { status: string };

/** Health and topology state polled every 200 ms, 45 s at most unless a test says otherwise. */
const waitFor = <T>(what: string, check: () => Promise<T>, timeoutMs = 45_000) => waitUntil(what, check, timeoutMs, 200);

async function withNode<T>(port: number, fn: (client: RedisClient) => Promise<T>): Promise<T> {
  const client = new RedisClient({ host: HOST, port, lazyConnect: true, retry: false, connectTimeout: 1000 });
  try {
    return await fn(client);
  } finally {
    await client.disconnect();
  }
}

async function bootHealthApp(url: string, name = 'default'): Promise<{ app: INestApplication; check: (o?: object) => Promise<Details> }> {
  const app = (
    await Test.createTestingModule({
      imports: [RedisModule.forRoot({ name, url, logger: false }), RedisHealthModule],
    }).compile()
  ).createNestApplication({ logger: false });
  await app.init();
  const indicator = app.get(RedisHealthIndicator);
  const check = async (options: object = {}): Promise<Details> => {
    const result: HealthIndicatorResult<'redis'> = await indicator.isHealthy('redis', { connection: name, timeout: 1500, ...options });
    return result.redis as Details;
  };
  return { app, check };
}

describe('RedisHealthIndicator against real topologies', () => {
  it('standalone: up, with the address and latency', async () => {
    await requireTopology('standalone');
    const { app, check } = await bootHealthApp(`redis://${HOST}:${STANDALONE.port}`, 'plain');
    try {
      expect(await check()).toMatchObject({ status: 'up', topology: 'standalone', address: `${HOST}:${STANDALONE.port}` });
      expect(await check({ connection: 'missing' })).toMatchObject({ status: 'down', reason: expect.stringMatching(/No Redis connection named 'missing'/) });
    } finally {
      await app.close();
    }
  });

  it('sentinel: down when the master dies, up again on the new master after failover', async () => {
    await requireTopology('sentinel');
    await sentinelTopologyHealthy();
    const { app, check } = await bootHealthApp(SENTINEL_URL);
    let killedPort: number | undefined;
    try {
      const before = await check({ minReplicas: 2, minSentinels: 3 });
      expect(before).toMatchObject({ status: 'up', topology: 'sentinel', role: 'master', replicas: 2, sentinels: 3 });
      const oldMaster = String(before.master);
      killedPort = Number(oldMaster.split(':')[1]);

      // Kill the master (SHUTDOWN NOSAVE: the process exits at once and its socket closes).
      await withNode(killedPort, (c) => c.call('SHUTDOWN', 'NOSAVE')).catch(() => undefined);
      const down = await waitFor('health down', async () => {
        const now = await check();
        return now.status === 'down' ? now : undefined;
      });
      expect(String(down.reason)).not.toBe('');

      const up = await waitFor('health up after failover', async () => {
        const now = await check();
        return now.status === 'up' && now.master !== oldMaster ? now : undefined;
      });
      expect(up).toMatchObject({ role: 'master' });
      expect(SENTINEL.redisPorts).toContain(Number(String(up.master).split(':')[1]));
    } finally {
      await app.close();
      if (killedPort !== undefined) await restoreSentinelNode(killedPort);
    }
  }, 120_000);

  it('cluster: down while a slot range is uncovered, up once it is assigned again', async () => {
    await requireTopology('cluster');
    // The primary serving the last slots, and a small range of them.
    const nodes = await withNode(CLUSTER.ports[0], async (c) => String(await c.call('CLUSTER', 'NODES')));
    const owner = nodes.split('\n').find((line) => {
      const parts = line.trim().split(' ');
      return (parts[2] ?? '').split(',').includes('master') && parts.slice(8).some((range) => range.endsWith('-16383'));
    });
    if (owner === undefined) throw new Error(`No primary serves slot 16383:\n${nodes}`);
    const ownerPort = Number(owner.split(' ')[1]?.split('@')[0]?.split(':')[1]);
    const slots = Array.from({ length: 10 }, (_, i) => 16374 + i);

    const { app, check } = await bootHealthApp(CLUSTER_URL, 'grid');
    try {
      expect(await check()).toMatchObject({ status: 'up', topology: 'cluster', clusterState: 'ok', slotsCovered: 16384 });
      for (const port of CLUSTER.ports) await withNode(port, (c) => c.call('CLUSTER', 'DELSLOTS', ...slots));
      const down = await waitFor('health down', async () => {
        const now = await check();
        return now.status === 'down' ? now : undefined;
      }, 15_000);
      expect(down.slotsCovered).toBe(16384 - slots.length);
      expect(String(down.reason)).toMatch(/10 of 16384 slots are not served/);
    } finally {
      await withNode(ownerPort, (c) => c.call('CLUSTER', 'ADDSLOTS', ...slots)).catch(() => undefined);
      await waitFor('every node to see the slots again', async () => {
        for (const port of CLUSTER.ports) {
          const state = await withNode(port, async (c) => String(await c.call('CLUSTER', 'INFO')));
          if (!/cluster_state:ok/.test(state) || !/cluster_slots_assigned:16384/.test(state)) return undefined;
        }
        return true;
      });
    }
    try {
      await waitFor('health up', async () => ((await check()).status === 'up' ? true : undefined), 15_000);
    } finally {
      await app.close();
    }
  }, 90_000);
});

/** Restarts a killed sentinel-topology server and waits until it is a replica in sync again, seen by the sentinels. */
async function restoreSentinelNode(port: number): Promise<void> {
  await run('bash', ['test/scripts/topology.sh', 'start-server', String(port)], { timeout: 60_000 });
  await waitFor(`${port} to resync as a replica`, () =>
    withNode(port, async (c) => {
      const info = String(await c.call('INFO', 'replication'));
      return /role:slave/.test(info) && /master_link_status:up/.test(info) ? true : undefined;
    }), 60_000);
  await waitFor(`the sentinels to see ${port} up`, () =>
    withNode(SENTINEL.sentinels[0]!.port, async (c) => {
      const replicas = (await c.call('SENTINEL', 'REPLICAS', SENTINEL.masterName)) as unknown[];
      const text = JSON.stringify(replicas);
      return text.includes(`${port}`) && !/s_down|o_down|disconnected/.test(JSON.stringify(replicas.filter((r) => JSON.stringify(r).includes(`"${port}"`)))) ? true : undefined;
    }), 60_000);
}
