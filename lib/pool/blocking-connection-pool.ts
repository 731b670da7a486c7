import type { AcquireRequest } from './acquire-request.js';
import { ConnectionPool } from './connection-pool.js';

/**
 * A `ConnectionPool` whose `acquire` waits, in FIFO order, for a connection to come back when all
 * `maxConnections` are in use; after `acquireTimeout` ms (0 = no limit) it fails with `PoolExhaustedError` saying
 * how long it waited and how many were in use (TimeoutError 'acquire' when the time ran out while a new connection
 * was being opened for it). An aborted signal removes the caller from the queue.
 */
export class BlockingConnectionPool extends ConnectionPool {
  protected override onExhausted(request: AcquireRequest): void {
    this.waiters.push(request);
    // A slot may have come free between the failed reservation and now.
    this.serveWaiters();
  }
}
