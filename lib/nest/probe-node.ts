import type { PoolCommandOptions } from '../pool/pool-connection.js';
import type { ConnectionPool } from '../pool/connection-pool.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { withDeadline } from './with-deadline.js';

/**
 * Sends one command on a leased connection of `pool`: not on the shared connection, so it never waits behind a
 * stalled or slow command there. Rejects with `TimeoutError` after `timeoutMs` whatever the pool does.
 */
export function probeNode(pool: ConnectionPool, args: readonly RedisArg[], timeoutMs: number): Promise<RespValue> {
  return withDeadline(
    (signal) => {
      const options: PoolCommandOptions = { signal, timeout: timeoutMs };
      return pool.withConnection((conn) => conn.sendCommand<RespValue>(args, options), { signal });
    },
    timeoutMs,
    `${String(args[0])} on ${pool.endpointLabel}`,
  );
}
