import { ClusterClient } from '../cluster/cluster-client.js';
import type { ClusterClientOptions } from '../cluster/cluster-client-options.js';
import { ClusterService } from '../cluster/cluster-service.js';
import type { FailoverEvent } from '../cluster/nodes-manager.js';
import { ConnectionError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { probeNode } from './probe-node.js';
import type { RedisConnection, RedisConnectionEvent } from './redis-connection.js';
import { withDeadline } from './with-deadline.js';

function nodeLabel(node: { host: string; port: number } | string): string {
  return typeof node === 'string' ? node : `${node.host}:${node.port}`;
}

/** A Cluster connection: `ClusterClient` + `ClusterService`; no single pool. */
export function clusterRedisConnection(name: string, options: ClusterClientOptions): RedisConnection {
  const client = new ClusterClient({ ...options, lazyConnect: true });
  const cluster = new ClusterService(client);
  const label = `cluster ${options.nodes.map(nodeLabel).join(',')}`;

  async function nodeProbe(args: readonly RedisArg[], timeoutMs: number): Promise<{ address: string; reply: RespValue }> {
    return withDeadline(
      async () => {
        await client.connect();
        const nodes = client.nodesManager.nodePools();
        if (nodes.length === 0) throw new ConnectionError('The cluster slot table lists no nodes.');
        // Every node at once, first answer wins: a dead node must not use up the deadline.
        try {
          return await Promise.any(
            nodes.map(async ({ node, pool }) => ({ address: node.address, reply: await probeNode(pool, args, timeoutMs) })),
          );
        } catch (error) {
          const reasons = error instanceof AggregateError ? error.errors.map((e: unknown) => (e as Error).message) : [String(error)];
          throw new ConnectionError(`No cluster node answered ${String(args[0])}: ${reasons.join('; ')}`);
        }
      },
      timeoutMs,
      `${String(args[0])} on the cluster`,
    );
  }

  return {
    name,
    topology: 'cluster',
    label,
    client,
    cluster,
    connect: () => client.connect(),
    async close(timeoutMs) {
      cluster.dispose();
      await client.quit({ timeout: timeoutMs });
    },
    probe: async (args, timeoutMs) => (await nodeProbe(args, timeoutMs)).reply,
    nodeProbe,
    onEvent(listener: (event: RedisConnectionEvent) => void) {
      const manager = client.nodesManager;
      manager.on('slots-refreshed', () => listener({ type: 'slot-refresh', message: 'Cluster slot table refreshed' }));
      manager.on('failover', (event: FailoverEvent) =>
        listener({ type: 'failover', message: `Cluster failover: ${event.slots} slot(s) moved from ${event.from} to ${event.to}` }));
      manager.on('error', (error: Error) => listener({ type: 'error', message: `Cluster refresh failed: ${error.message}` }));
    },
  };
}
