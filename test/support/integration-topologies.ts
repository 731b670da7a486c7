/**
 * The three topologies the library integrations (keyv, throttler, express-session) are tested on, each as a
 * function that returns a connected, writable client: standalone (6390), Sentinel (master redwire-primary; the
 * client follows failovers another suite may cause) and Cluster (7000-7005).
 */
import { createClient } from '../../lib/create-client.js';
import type { ClusterClient } from '../../lib/cluster/cluster-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { CLUSTER, SENTINEL, STANDALONE, requireTopology } from './topology.js';
import { waitUntil } from './wait-until.js';

export type IntegrationClient = RedisClient | ClusterClient;
export type IntegrationTopology = 'standalone' | 'sentinel' | 'cluster';

export const INTEGRATION_TOPOLOGIES: readonly IntegrationTopology[] = ['standalone', 'sentinel', 'cluster'];

/** Polls `attempt` until it resolves, with its value; past `deadlineMs` rethrows its last error (a typed one). */
export async function eventually<T>(attempt: () => Promise<T>, deadlineMs = 20_000, everyMs = 100): Promise<T> {
  let lastError: unknown;
  const settled = await waitUntil('an attempt to succeed', async () => {
    try {
      return { value: await attempt() };
    } catch (error) {
      lastError = error;
      return undefined;
    }
  }, deadlineMs, everyMs).catch(() => undefined);
  if (settled === undefined) throw lastError;
  return settled.value;
}

/** A connected client of `topology`; for Sentinel, only once the master is known and accepts a write. */
export async function connectTopology(topology: IntegrationTopology): Promise<IntegrationClient> {
  await requireTopology(topology);
  const client: IntegrationClient =
    topology === 'standalone' ? createClient({ ...STANDALONE })
      : topology === 'sentinel' ? createClient({ topology: 'sentinel', masterName: SENTINEL.masterName, sentinels: [...SENTINEL.sentinels] })
        : createClient({ topology: 'cluster', nodes: [...CLUSTER.nodes] });
  await client.connect();
  await whenWritable(client);
  return client;
}

/** Resolves once `client` accepts a write (a Sentinel master may be mid-failover, caused by another suite). */
export async function whenWritable(client: IntegrationClient): Promise<void> {
  await eventually(() => client.set(`redwire-integration-probe:${process.pid}`, '1', { PX: 1000 }));
}

/** `RedisModule.forRoot({ url })` of each topology. */
export const TOPOLOGY_URLS: Readonly<Record<IntegrationTopology, string>> = {
  standalone: `redis://${STANDALONE.host}:${STANDALONE.port}`,
  sentinel: `redis+sentinel://${SENTINEL.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}/${SENTINEL.masterName}`,
  cluster: `redis+cluster://${CLUSTER.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
};
