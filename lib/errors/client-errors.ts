import { RedisError, type RedisErrorOptions } from './redis-error.js';

/** The server sent bytes that are not valid RESP (redis-py's InvalidResponse). The connection is closed. */
export class ProtocolError extends RedisError {
  override name = 'ProtocolError';
  override readonly code: string = 'REDWIRE_ERR_PROTOCOL';
}

/** An option or URL is invalid. Raised before any I/O. The message names the field, never its secret value. */
export class ConfigError extends RedisError {
  override name = 'ConfigError';
  override readonly code: string = 'REDWIRE_ERR_CONFIG';
}

/** An argument cannot be encoded (e.g. an object or undefined). Raised before any byte is written. */
export class DataError extends RedisError {
  override name = 'DataError';
  override readonly code: string = 'REDWIRE_ERR_DATA';
}

/** The caller's AbortSignal fired before the command (or pool wait) settled. */
export class AbortError extends RedisError {
  override name = 'AbortError';
  override readonly code: string = 'REDWIRE_ERR_ABORT';
}

/** No connection could be leased: the pool is at `maxConnections` (and, for a blocking pool, the wait timed out). */
export class PoolExhaustedError extends RedisError {
  override name = 'PoolExhaustedError';
  override readonly code: string = 'REDWIRE_ERR_POOL_EXHAUSTED';
}

/** A WATCHed key changed, so EXEC was aborted (EXEC returned nil). */
export class WatchError extends RedisError {
  override name = 'WatchError';
  override readonly code: string = 'REDWIRE_ERR_WATCH';
}

/** Misuse of pub/sub: e.g. an ordinary command on a connection in subscriber mode (RESP2). */
export class PubSubError extends RedisError {
  override name = 'PubSubError';
  override readonly code: string = 'REDWIRE_ERR_PUBSUB';
}

/** Base of the cluster-client errors that are not server replies. */
export class ClusterError extends RedisError {
  override name = 'ClusterError';
  override readonly code: string = 'REDWIRE_ERR_CLUSTER';
}

/** A slot has no node in the slot table (only when `requireFullCoverage` is false, or coverage was lost). */
export class SlotNotCoveredError extends ClusterError {
  override name = 'SlotNotCoveredError';
  override readonly code: string = 'REDWIRE_ERR_SLOT_NOT_COVERED';
  readonly slot: number;
  constructor(message: string, slot: number, options: RedisErrorOptions = {}) {
    super(message, options);
    this.slot = slot;
  }
}

/** MOVED/ASK/TRYAGAIN/CLUSTERDOWN were followed `maxRedirections` times without success. */
export class RedirectionLimitError extends ClusterError {
  override name = 'RedirectionLimitError';
  override readonly code: string = 'REDWIRE_ERR_REDIRECTION_LIMIT';
  readonly slot: number | undefined;
  constructor(message: string, slot: number | undefined, options: RedisErrorOptions = {}) {
    super(message, options);
    this.slot = slot;
  }
}

/**
 * A command that changes a connection's reply stream or state (CLIENT REPLY, MONITOR, SELECT, MULTI, SUBSCRIBE,
 * HELLO, AUTH, ...) was sent on a shared, multiplexed connection, where it would hand replies or state to other
 * callers. Nothing was sent. The message names the API to use instead (a lease, `client.multi()`, an option, ...).
 */
export class UnsafeCommandError extends DataError {
  override name = 'UnsafeCommandError';
  override readonly code: string = 'REDWIRE_ERR_UNSAFE_COMMAND';
}
