import type { CommandCall } from '../client/commands/command-call.js';
import type { ClusterExecutor, SendOptions } from './cluster-executor.js';
import type { CommandRouter } from './command-router.js';

/** What pipelines and transactions borrow from their client. */
export interface ClusterRunner {
  ready(): Promise<void>;
  readonly router: CommandRouter;
  readonly executor: ClusterExecutor;
  sendOptions(call: CommandCall<unknown>): SendOptions;
  execute<T>(call: CommandCall<T>): Promise<T>;
}
