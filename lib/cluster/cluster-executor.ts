import {
  AskError, ClusterDownError, ClusterError, ConnectionError, MasterDownError, MovedError, RedirectionLimitError,
  SlotNotCoveredError, TimeoutError, TryAgainError,
} from '../errors/index.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import type { PoolCommandOptions } from '../pool/pool-connection.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { argText } from '../client/commands/command-spec.js';
import type { ClusterNodeInfo } from './cluster-topology.js';
import { mergeReplies } from './command-policy.js';
import type { Route } from './command-router.js';
import type { NodesManager } from './nodes-manager.js';

/** How one command is sent: the pool options plus whether it must run on a leased connection. */
export interface SendOptions extends PoolCommandOptions {
  blocking?: boolean;
}

/** Delay before retry `attempt` (1-based) after TRYAGAIN / CLUSTERDOWN / a connection error. */
export type ClusterRetryDelay = (attempt: number) => number;

export const defaultClusterRetryDelay: ClusterRetryDelay = (attempt) => Math.min(100 * attempt, 1000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A connection error after which resending cannot apply the command twice: it never left this process. The
 * connection marks every command error with `written`; a pool acquire timeout (the command never reached a
 * connection) is the one unmarked case known to be unsent.
 */
export function wasNeverSent(error: unknown): boolean {
  if (!(error instanceof ConnectionError)) return false;
  if (error.written !== undefined) return !error.written;
  return error instanceof TimeoutError && error.kind === 'acquire';
}

/**
 * The redirection loop of one command: picks the node from the slot table, follows MOVED (table patched) and ASK
 * (ASKING + command on the target, once), retries TRYAGAIN / CLUSTERDOWN / unsent connection errors with backoff,
 * and stops after `maxRedirections` with RedirectionLimitError naming the slot and the last node.
 */
export class ClusterExecutor {
  constructor(
    readonly nodes: NodesManager,
    readonly maxRedirections: number,
    readonly retryDelay: ClusterRetryDelay,
  ) {}

  /** Sends `args` to one node. ASKING and the command go out in the same write on the same connection. */
  async sendTo(node: ClusterNodeInfo, args: readonly RedisArg[], options: SendOptions, asking = false):
    Promise<RespValue> {
    const pool = this.nodes.poolFor(node);
    try {
      return await this.#sendOn(pool, args, options, asking);
    } catch (error) {
      // A pool closed under us (node dropped by a topology refresh) rejects before any connection saw the command.
      if (error instanceof ConnectionError && error.written === undefined && pool.closed) error.written = false;
      throw error;
    }
  }

  #sendOn(pool: ConnectionPool, args: readonly RedisArg[], options: SendOptions, asking: boolean): Promise<RespValue> {
    const { blocking, ...poolOptions } = options;
    if (blocking === true) {
      return pool.withConnection(async (conn) => {
        const ask = asking ? conn.sendCommand(['ASKING']) : undefined;
        ask?.catch(() => undefined);
        return conn.sendCommand<RespValue>(args, poolOptions);
      });
    }
    if (!asking) return pool.sendCommand<RespValue>(args, poolOptions);
    const conn = pool.sharedConnection();
    // Same tick, same connection: the connection coalesces both into one write, in order.
    conn.sendCommand(['ASKING']).catch(() => undefined);
    return conn.sendCommand<RespValue>(args, poolOptions);
  }

  /** Runs one routed command to completion (or a typed error). */
  async run(args: readonly RedisArg[], route: Route, options: SendOptions): Promise<RespValue> {
    if (route.kind === 'keyless' && (route.policy.request === 'all-primaries' || route.policy.request === 'all-nodes')) {
      return this.fanOut(args, route.policy.request, route.policy.response, options);
    }
    const slot = route.kind === 'slot' ? route.slot : undefined;
    const readonly = route.readonly;
    let target: ClusterNodeInfo | undefined;
    let asking = false;
    let lastNode = 'none';
    let lastError: unknown;
    let retries = 0;
    for (let attempt = 0; attempt <= this.maxRedirections; attempt++) {
      if (options.signal?.aborted) break;
      let node: ClusterNodeInfo;
      try {
        node = target ?? this.#pick(slot, readonly, route);
      } catch (error) {
        if (!(error instanceof SlotNotCoveredError) && !(error instanceof ClusterError)) throw error;
        lastError = error;
        await this.#backoff(++retries, true);
        continue;
      }
      lastNode = node.address;
      try {
        return await this.sendTo(node, args, options, asking);
      } catch (error) {
        lastError = error;
        target = undefined;
        asking = false;
        if (error instanceof MovedError) {
          const to = this.nodes.nodeFromRedirect(error.host, error.port, node.host);
          this.nodes.applyMoved(error.slot, to);
          target = to;
        } else if (error instanceof AskError) {
          target = this.nodes.nodeFromRedirect(error.host, error.port, node.host);
          asking = true;
        } else if (error instanceof TryAgainError) {
          await this.#backoff(++retries, false);
        } else if (error instanceof ClusterDownError || error instanceof MasterDownError) {
          await this.#backoff(++retries, true);
        } else if (error instanceof ConnectionError && (readonly || wasNeverSent(error)) &&
          !(error instanceof TimeoutError && error.kind === 'command' && !readonly)) {
          await this.#backoff(++retries, true);
        } else {
          throw error;
        }
      }
    }
    if (options.signal?.aborted && lastError !== undefined) throw lastError;
    const command = argText(args[0]);
    const where = slot === undefined ? 'a keyless command' : `slot ${slot}`;
    throw new RedirectionLimitError(
      `${command} gave up after ${this.maxRedirections} redirections/retries for ${where}; last node ${lastNode}, last ` +
        `error: ${(lastError as Error | undefined)?.message ?? 'none'}. The cluster may be resharding or failing ` +
        `over: retry later or raise maxRedirections.`,
      slot,
      { command, endpoint: lastNode, cause: lastError },
    );
  }

  /** Sends to every primary (or node) and merges the replies by the command's response policy. */
  async fanOut(args: readonly RedisArg[], request: 'all-primaries' | 'all-nodes',
    response: Parameters<typeof mergeReplies>[0], options: SendOptions): Promise<RespValue> {
    if (!this.nodes.loaded) await this.nodes.refresh();
    const targets = request === 'all-primaries' ? this.nodes.table.primaries() : this.nodes.table.nodes();
    const outcomes = await Promise.all(targets.map((node) => this.sendTo(node, args, options).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    )));
    return mergeReplies(response, outcomes, argText(args[0]));
  }

  #pick(slot: number | undefined, readonly: boolean, route: Route): ClusterNodeInfo {
    if (slot !== undefined) return this.nodes.nodeForSlot(slot, readonly);
    return route.kind === 'keyless' && route.policy.request === 'random-node' ? this.nodes.randomNode()
      : this.nodes.randomPrimary();
  }

  async #backoff(retry: number, refresh: boolean): Promise<void> {
    if (refresh) this.nodes.refresh().catch(() => undefined);
    await sleep(this.retryDelay(retry));
  }
}
