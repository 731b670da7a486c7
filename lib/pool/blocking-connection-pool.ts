import { PoolExhaustedError } from '../errors/index.js';
import { ConnectionPool, type PoolWaiter } from './connection-pool.js';
import type { PoolConnection } from './pool-connection.js';

/**
 * A `ConnectionPool` whose `acquire` waits, in FIFO order, for a connection to come back when all
 * `maxConnections` are in use; after `acquireTimeout` ms (0 = no limit) it fails with `PoolExhaustedError` saying
 * how long it waited and how many were in use. An aborted signal removes the caller from the queue.
 */
export class BlockingConnectionPool extends ConnectionPool {
  protected override waitForConnection(signal: AbortSignal | undefined): Promise<PoolConnection> {
    return new Promise<PoolConnection>((resolve, reject) => {
      const started = Date.now();
      const { acquireTimeout, maxConnections } = this.settings;
      let timer: NodeJS.Timeout | undefined;
      const remove = (): boolean => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return false;
        this.waiters.splice(at, 1);
        waiter.cleanup();
        return true;
      };
      const onAbort = (): void => {
        if (remove()) reject(this.abortError());
      };
      const waiter: PoolWaiter = {
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      if (acquireTimeout > 0) {
        timer = setTimeout(() => {
          const inUse = this.stats().leased;
          const behind = this.waiters.length - 1;
          if (!remove()) return;
          reject(
            new PoolExhaustedError(
              `No connection became free within ${Date.now() - started} ms (acquireTimeout ${acquireTimeout} ms): ` +
                `${inUse} of ${maxConnections} connections (maxConnections) in use, ${behind} other callers waiting, ` +
                `at ${this.endpointLabel}. Release connections sooner (withConnection releases for you), or raise ` +
                'maxConnections or acquireTimeout.',
              { endpoint: this.endpointLabel },
            ),
          );
        }, acquireTimeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      // A slot may have come free between the failed reservation and now.
      this.serveWaiters();
    });
  }
}
