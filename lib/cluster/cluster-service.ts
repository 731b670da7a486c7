import { EventEmitter } from 'node:events';
import type { RespValue } from '../protocol/resp-value.js';
import type { ClusterClient } from './cluster-client.js';
import type { ClusterNodeInfo } from './cluster-topology.js';
import type { FailoverEvent } from './nodes-manager.js';

export interface ClusterNodeView extends ClusterNodeInfo {
  /** Inclusive slot ranges served (primaries), or those of the primary it replicates (replicas). */
  readonly slots: readonly (readonly [number, number])[];
}

export interface ClusterInfo {
  /** `ok` or `fail`. */
  state: string;
  slotsAssigned: number;
  slotsOk: number;
  slotsPfail: number;
  slotsFail: number;
  knownNodes: number;
  size: number;
  currentEpoch: number;
  /** Every field of CLUSTER INFO as text. */
  raw: Record<string, string>;
}

export function parseClusterInfo(text: string): ClusterInfo {
  const raw: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) raw[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  const n = (key: string): number => Number(raw[key] ?? 0);
  return {
    state: raw.cluster_state ?? 'unknown',
    slotsAssigned: n('cluster_slots_assigned'),
    slotsOk: n('cluster_slots_ok'),
    slotsPfail: n('cluster_slots_pfail'),
    slotsFail: n('cluster_slots_fail'),
    knownNodes: n('cluster_known_nodes'),
    size: n('cluster_size'),
    currentEpoch: n('cluster_current_epoch'),
    raw,
  };
}

/**
 * Topology operations of a cluster (kept off the command interface): nodes with roles and slot ranges,
 * CLUSTER INFO, per-node PING, forced refresh. Re-emits the NodesManager's `slots-refreshed`, `node-added`,
 * `node-removed` and `failover` events.
 */
export class ClusterService extends EventEmitter {
  readonly #client: ClusterClient;
  readonly #forward: [string, (...args: unknown[]) => void][];

  constructor(client: ClusterClient) {
    super();
    this.#client = client;
    this.#forward = ['slots-refreshed', 'node-added', 'node-removed', 'failover'].map((event) => {
      const listener = (...args: unknown[]): void => {
        this.emit(event, ...args);
      };
      client.nodesManager.on(event, listener);
      return [event, listener];
    });
  }

  /** Every node of the current slot table with its role and slot ranges. */
  nodes(): ClusterNodeView[] {
    const out: ClusterNodeView[] = [];
    for (const shard of this.#client.nodesManager.table.shards()) {
      out.push({ ...shard.primary, slots: shard.slots });
      for (const replica of shard.replicas) out.push({ ...replica, slots: shard.slots });
    }
    return out;
  }

  /** CLUSTER INFO of one node (a random one by default, or the given `host:port`). */
  async clusterInfo(address?: string): Promise<ClusterInfo> {
    await this.#client.connect();
    const manager = this.#client.nodesManager;
    const node = address === undefined ? manager.randomNode()
      : (this.nodes().find((n) => n.address === address) ?? manager.randomNode());
    const reply = await manager.poolFor(node).sendCommand<RespValue>(['CLUSTER', 'INFO']);
    return parseClusterInfo(Buffer.isBuffer(reply) ? reply.toString() : String(reply));
  }

  /** PINGs every node; round-trip ms, or the error's message. */
  async ping(): Promise<{ address: string; role: string; ok: boolean; ms: number; error?: string }[]> {
    await this.#client.connect();
    return Promise.all(this.#client.nodesManager.nodePools().map(async ({ node, pool }) => {
      const started = performance.now();
      try {
        await pool.sendCommand(['PING'], { timeout: 2000 });
        return { address: node.address, role: node.role, ok: true, ms: performance.now() - started };
      } catch (error) {
        return { address: node.address, role: node.role, ok: false, ms: performance.now() - started,
          error: (error as Error).message };
      }
    }));
  }

  /** Re-reads the slot table now (joins a refresh already running). */
  async refreshSlots(): Promise<void> {
    await this.#client.nodesManager.refresh();
  }

  /** Stops forwarding events (the client stays open). */
  dispose(): void {
    for (const [event, listener] of this.#forward) this.#client.nodesManager.off(event, listener);
  }
}

export type { FailoverEvent };
