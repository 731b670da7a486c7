import {
  AskError, ClusterDownError, ClusterError, ConnectionError, MasterDownError, MovedError, SlotNotCoveredError,
  TimeoutError, TryAgainError,
} from '../errors/index.js';
import { redirectChannel } from '../connection/connection-diagnostics.js';
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

/** While a `refresh-and-retry` waits, the table is re-read at most this often (shared by every waiting command). */
const WAIT_REFRESH_MS = 100;

/** Resolves after `ms`, or as soon as `sooner` settles (then true); never rejects. */
function sleepUnless(ms: number, sooner?: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    sooner?.then(() => {
      clearTimeout(timer);
      resolve(true);
    }, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

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
    if (redirectChannel.hasSubscribers) {
      redirectChannel.publish({ kind: error instanceof MovedError ? 'moved' : 'ask', slot: error.slot, address: to.address });
    }
    return to;
  }

  /**
   * Waits before retry number `retry` (1-based) of a `backoff-retry` / `refresh-and-retry`, never past `deadline`
   * (the caller's loop then reports the timeout). `refresh-and-retry` re-reads the table while it waits and ends
   * the wait as soon as the table gives `wakeIf.slot` another primary than `wakeIf.owner` (the one the failed
   * attempt was routed by): after a failover commands resume within a refresh of the promotion, not a backoff step.
   */
  async backoff(action: 'backoff-retry' | 'refresh-and-retry', retry: number, deadline: number,
    wakeIf?: { slot: number; owner: string | undefined }): Promise<void> {
    const end = Date.now() + Math.max(0, Math.min(this.retryDelay(retry), remainingUntil(deadline)));
    if (action === 'backoff-retry') {
      await sleepUnless(end - Date.now());
      return;
    }
    for (;;) {
      // Concurrent waiters share one refresh; NodesManager spaces refreshes by minRefreshInterval.
      let failed = false;
      const refreshed = this.nodes.refresh().catch(() => {
        failed = true;
      });
      if (!(await sleepUnless(end - Date.now(), refreshed))) return;
      if (wakeIf !== undefined && this.nodes.table.primaryAddressOf(wakeIf.slot) !== wakeIf.owner) return;
      // A failed refresh (every node unreachable, client closed) is not retried until the next backoff.
      if (failed) {
        await sleepUnless(end - Date.now());
        return;
      }
      if (end - Date.now() <= 0) return;
      await sleepUnless(Math.min(WAIT_REFRESH_MS, end - Date.now()));
    }
  }
}
