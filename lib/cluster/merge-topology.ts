import type { ClusterNodeInfo, ClusterShard } from './cluster-topology.js';
import type { ListedShard } from './parse-cluster-topology.js';

/** The shards to route by, and the nodes CLUSTER SHARDS knows that they do not place (a refresh should follow). */
export interface MergedTopology {
  readonly shards: ClusterShard[];
  readonly unplaced: ClusterNodeInfo[];
}

/**
 * The slot table's source is CLUSTER SLOTS: every server version answers it with each range's primary and its
 * replicas. CLUSTER SHARDS is not reliable for that (Redis 7.4.1 lists a promoted primary's shard with no slots;
 * 7.0/7.4 list a fresh replica in a shard of its own), so it only adds what SLOTS lacks, matched by node id (else
 * by address): the node's health (`loading`/`failed` replicas get no reads) and, with TLS, the TLS port. It never
 * removes a slot, a primary or a replica.
 *
 * `unplaced`: nodes SHARDS lists that the table does not place (a replica in a shard of its own, a primary of slots
 * SLOTS gives to another node): the servers disagree for the moment (gossip not yet converged), so the caller
 * re-reads soon. Failed nodes, and shards serving no slots under a live primary, need no placing.
 */
export function mergeTopology(slots: readonly ClusterShard[], listing: readonly ListedShard[] | undefined,
  useTlsAddress = false): MergedTopology {
  if (listing === undefined) return { shards: [...slots], unplaced: [] };
  const byId = new Map<string, ClusterNodeInfo>();
  const byAddress = new Map<string, ClusterNodeInfo>();
  for (const shard of listing) {
    for (const node of shard.nodes) {
      if (node.id !== undefined) byId.set(node.id, node);
      byAddress.set(node.address, node);
    }
  }
  const placed = new Set<ClusterNodeInfo>();
  const enrich = (node: ClusterNodeInfo): ClusterNodeInfo => {
    const listed = (node.id === undefined ? undefined : byId.get(node.id)) ?? byAddress.get(node.address);
    if (listed === undefined) return node;
    placed.add(listed);
    const where = useTlsAddress ? { address: listed.address, host: listed.host, port: listed.port } : {};
    return { ...node, ...where, health: listed.health };
  };
  const shards = slots.map((shard) => ({
    slots: shard.slots,
    primary: enrich(shard.primary),
    replicas: shard.replicas.map(enrich),
  }));
  const unplaced: ClusterNodeInfo[] = [];
  for (const shard of listing) {
    // A primary without slots (new, or emptied by resharding) and its replicas route nothing: nothing to place.
    if (shard.slots.length === 0 && shard.nodes.some((n) => n.role === 'primary' && n.health !== 'failed')) continue;
    for (const node of shard.nodes) if (!placed.has(node) && node.health !== 'failed') unplaced.push(node);
  }
  return { shards, unplaced };
}
