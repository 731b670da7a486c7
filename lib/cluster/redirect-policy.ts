import {
  AskError, ClusterDownError, ClusterError, ConnectionError, MasterDownError, MovedError, SlotNotCoveredError,
  TimeoutError, TryAgainError,
} from '../errors/index.js';
import type { ClusterNodeInfo } from './cluster-topology.js';
import type { NodesManager } from './nodes-manager.js';

/**
 * The one redirect/retry policy of the cluster layer: what a failed attempt means for the next one. Used by the
 * command loop (ClusterExecutor), pipelines, transactions and watch, so they all retry the same errors.
 *
 * - `follow-moved`: the slot has a new owner (MOVED): patch the table, resend there.
 * - `ask`: the key is being imported by another node (ASK): resend there once, preceded by ASKING.
 * - `backoff-retry`: the node asks to wait (TRYAGAIN: keys of a multi-key command split by a migration).
 * - `refresh-and-retry`: the table or the node is wrong or down (CLUSTERDOWN, MASTERDOWN, no node for the slot, a
 *   connection error the command can survive): refresh the table in the background, wait, pick the node again.
 * - `give-up`: the error is the caller's.
 */
export type RedirectAction = 'follow-moved' | 'ask' | 'backoff-retry' | 'refresh-and-retry' | 'give-up';

export interface RedirectContext {
  /** The command only reads: resending it after a connection error cannot apply it twice. */
  readonly readonly: boolean;
  /** The attempt already went out as ASKING + command: a second ASK means the keys are split (wait instead). */
  readonly asked?: boolean;
  /**
   * Where the error came from: choosing the node from the slot table (`pick`: nothing was sent), or sending to it
   * (`send`, the default).
   */
  readonly stage?: 'pick' | 'send';
}

/** Delay before retry `attempt` (1-based) after TRYAGAIN / CLUSTERDOWN / a connection error. */
export type ClusterRetryDelay = (attempt: number) => number;

export const defaultClusterRetryDelay: ClusterRetryDelay = (attempt) => Math.min(100 * attempt, 1000);

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

export function classify(error: unknown, ctx: RedirectContext): RedirectAction {
  // No node for the slot in the table (or no primary at all): the refresh may find one. A ClusterError while
  // sending (the client was closed, a redirection limit) is final.
  if (ctx.stage === 'pick') return error instanceof ClusterError ? 'refresh-and-retry' : 'give-up';
  if (error instanceof MovedError) return 'follow-moved';
  if (error instanceof AskError) return ctx.asked === true ? 'backoff-retry' : 'ask';
  if (error instanceof TryAgainError) return 'backoff-retry';
  if (error instanceof ClusterDownError || error instanceof MasterDownError) return 'refresh-and-retry';
  if (error instanceof SlotNotCoveredError) return 'refresh-and-retry';
  if (error instanceof ConnectionError) {
    // A write whose deadline passed on the wire may have run: never resend it. A read may always be resent.
    if (ctx.readonly) return 'refresh-and-retry';
    if (error instanceof TimeoutError && error.kind === 'command') return 'give-up';
    return wasNeverSent(error) ? 'refresh-and-retry' : 'give-up';
  }
  // Anything else (including -READONLY: cluster replicas answer writes with MOVED) is the command's own answer.
  return 'give-up';
}

/** ms left until `deadline` (0 = no deadline: Infinity). */
export function remainingUntil(deadline: number): number {
  return deadline === 0 ? Infinity : deadline - Date.now();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Carries out the non-final actions of `classify` on the cluster's node table. */
export class RedirectPolicy {
  constructor(readonly nodes: NodesManager, readonly retryDelay: ClusterRetryDelay) {}

  /**
   * The node a MOVED/ASK names (mapped through natMap/addressMap; an empty host is the host asked). For MOVED the
   * table is patched, so later commands of the slot go straight there.
   */
  redirectTarget(error: MovedError | AskError, askedHost: string): ClusterNodeInfo {
    const to = this.nodes.nodeFromRedirect(error.host, error.port, askedHost);
    if (error instanceof MovedError) this.nodes.applyMoved(error.slot, to);
    return to;
  }

  /**
   * Waits before retry number `retry` (1-based) of a `backoff-retry` / `refresh-and-retry`, never past `deadline`
   * (the caller's loop then reports the timeout); `refresh-and-retry` also starts a table refresh.
   */
  async backoff(action: 'backoff-retry' | 'refresh-and-retry', retry: number, deadline: number): Promise<void> {
    if (action === 'refresh-and-retry') this.nodes.refresh().catch(() => undefined);
    await sleep(Math.max(0, Math.min(this.retryDelay(retry), remainingUntil(deadline))));
  }
}
