import { withinDeadline } from '../connection/within-deadline.js';
import { AskError, ConnectionError, MovedError, RedirectionLimitError, TimeoutError } from '../errors/index.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import type { PoolCommandOptions, PoolConnection } from '../pool/pool-connection.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { argText } from '../client/commands/command-spec.js';
import type { ClusterNodeInfo } from './cluster-topology.js';
import { mergeReplies } from './command-policy.js';
import type { Route } from './command-router.js';
import type { NodesManager } from './nodes-manager.js';
import { classify, RedirectPolicy, wasNeverSent, type ClusterRetryDelay } from './redirect-policy.js';

/** How one command is sent: the pool options plus whether it must run on a leased connection. */
export interface SendOptions extends PoolCommandOptions {
  blocking?: boolean;
}

export { defaultClusterRetryDelay, remainingUntil, wasNeverSent, type ClusterRetryDelay } from './redirect-policy.js';

/** The options of one attempt: the time left of the command's deadline, unless no deadline applies. */
export function attemptOptions(options: SendOptions, deadline: number): SendOptions {
  return deadline === 0 ? options : { ...options, timeout: Math.max(1, deadline - Date.now()) };
}

/**
 * The redirection loop of one command: picks the node from the slot table and acts on each failure as the redirect
 * policy (`classify`) says: follows MOVED (table patched) and ASK (ASKING + command on the target, once), backs off
 * on TRYAGAIN, refreshes and backs off on CLUSTERDOWN / MASTERDOWN / connection errors the command survives, and
 * stops after `maxRedirections` with RedirectionLimitError naming the slot and the last node.
 */
export class ClusterExecutor {
  readonly policy: RedirectPolicy;

  constructor(
    readonly nodes: NodesManager,
    readonly maxRedirections: number,
    readonly retryDelay: ClusterRetryDelay,
    /** The client's `commandTimeout` (ms, 0 = none): the whole-command deadline when a call sets no `timeout`. */
    readonly commandTimeout = 0,
  ) {
    this.policy = new RedirectPolicy(nodes, retryDelay);
  }

  /**
   * The deadline (Date.now() based; 0 = none) of a command sent now with `options`: its `timeout`, else
   * `commandTimeout`. Every attempt, redirection and backoff of the command fits inside it.
   */
  deadlineOf(options: SendOptions, from = Date.now()): number {
    const timeout = options.timeout ?? this.commandTimeout;
    return timeout > 0 ? from + timeout : 0;
  }

  /** The error of a command whose deadline passed: names the command, where it was going and the last failure. */
  timeoutError(args: readonly RedisArg[], slot: number | undefined, lastNode: string, lastError: unknown,
    options: SendOptions, written: boolean): TimeoutError {
    const command = argText(args[0]);
    const timeout = options.timeout ?? this.commandTimeout;
    const where = slot === undefined ? 'a keyless command' : `slot ${slot}`;
    const last = (lastError as Error | undefined)?.message;
    return new TimeoutError(
      `${command} did not complete within its ${timeout} ms timeout (${where}, last node ${lastNode}` +
        `${last === undefined ? '' : `, last error: ${last}`}). The node may be stalled or the cluster failing over: ` +
        `${written ? 'it may have run; retry only if it is idempotent' : 'it was not run; retry later'}, or raise the timeout.`,
      'command',
      timeout,
      { command, endpoint: lastNode, cause: lastError, written },
    );
  }

  /** Sends `args` to one node. ASKING and the command go out in the same write on the same connection. */
  async sendTo(node: ClusterNodeInfo, args: readonly RedisArg[], options: SendOptions, asking = false,
    deadline = 0): Promise<RespValue> {
    const pool = this.nodes.poolFor(node);
    try {
      return await this.#sendOn(pool, args, options, asking, deadline);
    } catch (error) {
      // A pool closed under us (node dropped by a topology refresh) rejects before any connection saw the command.
      if (error instanceof ConnectionError && error.written === undefined && pool.closed) error.written = false;
      throw error;
    }
  }

  #sendOn(pool: ConnectionPool, args: readonly RedisArg[], options: SendOptions, asking: boolean, deadline: number):
    Promise<RespValue> {
    const { blocking, ...poolOptions } = options;
    if (blocking === true) return this.#sendLeased(pool, args, poolOptions, asking, deadline);
    if (!asking) return pool.sendCommand<RespValue>(args, poolOptions);
    const conn = pool.sharedConnection();
    // Same tick, same connection: the connection coalesces both into one write, in order.
    conn.sendCommand(['ASKING']).catch(() => undefined);
    return conn.sendCommand<RespValue>(args, poolOptions);
  }

  /**
   * A leased connection (blocking commands): waiting for the lease counts against the deadline too (a node that is
   * down keeps `connect()` pending while the retry policy lasts); a lease that arrives too late goes straight back.
   */
  async #sendLeased(pool: ConnectionPool, args: readonly RedisArg[], options: PoolCommandOptions, asking: boolean,
    deadline: number): Promise<RespValue> {
    return this.withLease(pool, deadline, args, options, (conn) => {
      const ask = asking ? conn.sendCommand(['ASKING']) : undefined;
      ask?.catch(() => undefined);
      return conn.sendCommand<RespValue>(args, deadline === 0 ? options
        : { ...options, timeout: Math.max(1, deadline - Date.now()) });
    });
  }

  /**
   * Runs `fn` on a leased connection of `pool`, always released. Waiting for the lease counts against the deadline
   * (a node that is down keeps `connect()` pending while the retry policy lasts); a lease that arrives after the
   * deadline goes straight back.
   */
  async withLease<T>(pool: ConnectionPool, deadline: number, args: readonly RedisArg[], options: PoolCommandOptions,
    fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const command = argText(args[0]);
    const lease = pool.acquire(options.signal === undefined ? {} : { signal: options.signal });
    const conn = await withinDeadline(lease, deadline, () => new TimeoutError(
      `${command} got no connection to ${pool.endpointLabel} within its ${options.timeout ?? this.commandTimeout} ms ` +
        'timeout; it was not sent. The node may be down or failing over: retry later.',
      'command', options.timeout ?? this.commandTimeout, { command, endpoint: pool.endpointLabel, written: false },
    ), (late) => pool.release(late));
    try {
      return await fn(conn);
    } finally {
      pool.release(conn);
    }
  }

  /**
   * Runs one routed command to completion (or a typed error), within its deadline (`deadlineOf(options)`, or the
   * one given: a pipeline passes the deadline its commands started with).
   */
  async run(args: readonly RedisArg[], route: Route, options: SendOptions, startedDeadline?: number):
    Promise<RespValue> {
    const deadline = startedDeadline ?? this.deadlineOf(options);
    if (route.kind === 'keyless' && (route.policy.request === 'all-primaries' || route.policy.request === 'all-nodes')) {
      return this.fanOut(args, route.policy.request, route.policy.response, options, deadline);
    }
    const slot = route.kind === 'slot' ? route.slot : undefined;
    const readonly = route.readonly;
    let target: ClusterNodeInfo | undefined;
    let asking = false;
    let lastNode = 'none';
    let lastError: unknown;
    let retries = 0;
    let written = false;
    for (let attempt = 0; attempt <= this.maxRedirections; attempt++) {
      if (options.signal?.aborted) break;
      if (attempt > 0 && deadline !== 0 && Date.now() >= deadline) {
        throw this.timeoutError(args, slot, lastNode, lastError, options, written);
      }
      let node: ClusterNodeInfo;
      // The slot's primary this attempt is routed by: a backoff ends early once the table names another.
      const wakeIf = slot === undefined ? undefined : { slot, owner: this.nodes.table.primaryAddressOf(slot) };
      try {
        node = target ?? this.#pick(slot, readonly, route);
      } catch (error) {
        const action = classify(error, { readonly, stage: 'pick' });
        if (action !== 'refresh-and-retry') throw error;
        lastError = error;
        await this.policy.backoff(action, ++retries, deadline, wakeIf);
        continue;
      }
      lastNode = node.address;
      try {
        // A fresh command's first attempt keeps the caller's options: the connection's own timeout is the deadline.
        const fresh = attempt === 0 && startedDeadline === undefined;
        return await this.sendTo(node, args, fresh ? options : attemptOptions(options, deadline), asking, deadline);
      } catch (error) {
        lastError = error;
        if (error instanceof ConnectionError && !wasNeverSent(error)) written = true;
        target = undefined;
        asking = false;
        const action = classify(error, { readonly });
        if (action === 'follow-moved' || action === 'ask') {
          target = this.policy.redirectTarget(error as MovedError | AskError, node.host);
          asking = action === 'ask';
        } else if (action === 'backoff-retry' || action === 'refresh-and-retry') {
          await this.policy.backoff(action, ++retries, deadline, wakeIf);
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
    response: Parameters<typeof mergeReplies>[0], options: SendOptions, deadline = this.deadlineOf(options)):
    Promise<RespValue> {
    if (!this.nodes.loaded) {
      await withinDeadline(this.nodes.refresh(), deadline,
        () => this.timeoutError(args, undefined, 'none', undefined, options, false));
    }
    const targets = request === 'all-primaries' ? this.nodes.table.primaries() : this.nodes.table.nodes();
    const each = attemptOptions(options, deadline);
    const outcomes = await Promise.all(targets.map((node) => this.sendTo(node, args, each, false, deadline).then(
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
}
