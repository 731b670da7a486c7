import type { IRedisClient } from 'bullmq';
import type { ClusterClient, ConnectionPool } from '../index.js';
import { textOf } from './ioredis-replies.js';

/**
 * One primary of a cluster as BullMQ uses the entries of `nodes()`: it asks each for `CLIENT LIST` (getWorkers,
 * getNodeConnections) and keeps the node with the most matching clients, and it reads `nodes().length` (an empty
 * list means "reconnect"). The command runs on that node's pool, not on a random node as a keyless cluster command.
 */
export class ClusterNodeView {
  readonly #pool: ConnectionPool;

  constructor(readonly address: string, pool: ConnectionPool) {
    this.#pool = pool;
  }

  async clientList(): Promise<string> {
    return textOf(await this.#pool.sendCommand(['CLIENT', 'LIST']));
  }

  /** ioredis' `client('LIST')`, which BullMQ calls when `clientList` is missing. */
  client(subcommand: string, ...args: string[]): Promise<unknown> {
    return this.#pool.sendCommand(['CLIENT', subcommand, ...args]);
  }
}

/**
 * The primaries of `cluster` as node views; empty until its slot table is known. Typed as BullMQ's `IRedisClient`
 * because `nodes()` is declared so, though BullMQ calls nothing on them but `clientList` (see above).
 */
export function clusterNodeViews(cluster: ClusterClient): IRedisClient[] {
  const manager = cluster.nodesManager;
  return manager.table.primaries().map((node) => new ClusterNodeView(node.address, manager.poolFor(node)) as unknown as IRedisClient);
}
