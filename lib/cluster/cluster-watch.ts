import { DataError, RedirectionLimitError, type MovedError } from '../errors/index.js';
import type { PipelineResult } from '../client/call-recorder.js';
import { runWatch, type WatchJob } from '../client/run-watch.js';
import type { ClusterRunner } from './cluster-runner.js';
import { classify } from './redirect-policy.js';

/**
 * `ClusterClient.watch`: WATCH, the caller's reads, MULTI/EXEC, all on one leased connection of the primary owning
 * the one slot every watched key must hash to (else the router's CrossSlotError, before anything is sent). A MOVED
 * answering WATCH itself (stale slot table) is followed before `fn` runs; once `fn` has started, any error reaches
 * the caller (a WATCH cannot move with its slot: retry the whole watch, as after a WatchError).
 */
export async function runClusterWatch(runner: ClusterRunner, job: WatchJob): Promise<PipelineResult | null> {
  const { keys } = job;
  if (keys.length === 0) throw new DataError('watch() needs at least one key.', { command: 'WATCH' });
  await runner.ready();
  // The router's key check: CrossSlotError when the keys hash to several slots, before anything is sent.
  const args = ['WATCH', ...keys];
  const route = await runner.router.route(args);
  if (route.kind !== 'slot') throw new DataError('watch() got no key it can route.', { command: 'WATCH' });
  const slot = route.slot;
  const { executor } = runner;
  const nodes = executor.nodes;
  const deadline = executor.deadlineOf({});
  let lastError: unknown;
  for (let attempt = 0; attempt <= executor.maxRedirections; attempt++) {
    const node = nodes.nodeForSlot(slot, false);
    try {
      return await executor.withLease(nodes.poolFor(node), deadline, ['WATCH'], {}, (conn) => runWatch(conn, job));
    } catch (error) {
      // Only WATCH's own MOVED is followed: after it nothing of the caller's has run. Anything else (an ASK, which
      // would need every command of the watch sent as ASKING) reaches the caller.
      if (classify(error, { readonly: false }) !== 'follow-moved' || (error as MovedError).command !== 'WATCH') throw error;
      lastError = error;
      executor.policy.redirectTarget(error as MovedError, node.host);
    }
  }
  throw new RedirectionLimitError(
    `WATCH gave up after ${executor.maxRedirections} redirections for slot ${slot}; last error: ` +
      `${(lastError as Error | undefined)?.message ?? 'none'}.`,
    slot, { command: 'WATCH', cause: lastError },
  );
}
