import { DEFAULT_MAX_BULK_LENGTH } from '../protocol/resp-value.js';

/**
 * Defaults of `ConnectionOptions`, declared once. Every time is in milliseconds.
 *
 * - host `127.0.0.1`, port `6379`, db `0`, protocol `3` (falls back to 2 when the server has no HELLO)
 * - connectTimeout `10000` ms: opening the socket *and* finishing the handshake
 * - commandTimeout `5000` ms: per-command reply deadline (a blocking command gets its block time on top; `BLPOP 0`
 *   none); also how long a socket may stay silent with commands in flight before it is declared dead
 * - keepAlive `30000` ms: TCP keep-alive initial delay (`false` disables)
 * - noDelay `true`: Nagle off; writes are already coalesced per tick by the connection
 * - retry: 20 attempts, equal-jitter backoff from 50 ms capped at 2000 ms (see retry-policy.ts)
 * - maxQueued `10000`: commands waiting while (re)connecting or while the in-flight bounds are reached; more fail
 *   at once (QueueFullError)
 * - maxInFlight `100000` commands and maxInFlightBytes 64 MiB: written to the socket and not yet answered
 * - healthCheckInterval `0`: no PING before use
 * - maxBulkLength 512 MiB: the largest bulk/aggregate length accepted from the server
 * - pushBuffers `false`: pushes (and RESP2 pub/sub frames) decode bulk strings as UTF-8 strings
 */
export const DEFAULT_CONNECTION_OPTIONS = Object.freeze({
  host: '127.0.0.1',
  port: 6379,
  db: 0,
  protocol: 3 as 2 | 3,
  connectTimeout: 10_000,
  commandTimeout: 5000,
  keepAlive: 30_000 as number | false,
  noDelay: true,
  retry: Object.freeze({ attempts: 20, strategy: 'equal-jitter' as const, base: 50, cap: 2000 }),
  maxQueued: 10_000,
  maxInFlight: 100_000,
  maxInFlightBytes: 64 * 1024 * 1024,
  healthCheckInterval: 0,
  maxBulkLength: DEFAULT_MAX_BULK_LENGTH,
  pushBuffers: false,
  lazyConnect: false,
});

/** ms `disconnect()` (and a pool's graceful close) waits for in-flight replies by default. */
export const DEFAULT_DISCONNECT_TIMEOUT = 5000;

/**
 * ms a health-check PING (before reusing an idle connection, or after a lease reset) may take: the connection's
 * `connectTimeout`, or its default when that is 0 (none). One rule for the connection and the pool.
 */
export function healthCheckTimeout(connectTimeout: number | undefined): number {
  return connectTimeout !== undefined && connectTimeout > 0 ? connectTimeout : DEFAULT_CONNECTION_OPTIONS.connectTimeout;
}
