import { RedisError, type RedisErrorOptions } from './redis-error.js';

export interface ConnectionErrorOptions extends RedisErrorOptions {
  /** See `ConnectionError.written`. */
  written?: boolean;
}

/** The socket could not be opened, broke, or was closed while a command needed it. */
export class ConnectionError extends RedisError {
  override name = 'ConnectionError';
  override readonly code: string = 'REDWIRE_ERR_CONNECTION';
  /**
   * Set when the error belongs to one command. `true`: the command's bytes had been handed to a socket before it
   * failed, so the server may have executed it (retry only if it is idempotent). `false`: it was never sent, so it
   * is safe to retry anywhere. Undefined: not about one command, or unknown.
   */
  written?: boolean;

  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options);
    if (options.written !== undefined) this.written = options.written;
  }
}

export type TimeoutKind = 'connect' | 'command' | 'acquire' | 'disconnect';

/** A deadline passed. `kind` says which one: connecting, waiting for a command's reply, or waiting for the pool. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  override readonly code: string = 'REDWIRE_ERR_TIMEOUT';
  readonly kind: TimeoutKind;
  readonly timeout: number;

  constructor(message: string, kind: TimeoutKind, timeout: number, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.kind = kind;
    this.timeout = timeout;
  }
}

/** The server rejected the credentials (WRONGPASS, NOAUTH, invalid password). Not retried: retrying cannot fix it. */
export class AuthenticationError extends ConnectionError {
  override name = 'AuthenticationError';
  override readonly code: string = 'REDWIRE_ERR_AUTHENTICATION';
}

/** No master could be discovered through any sentinel. The message lists what each sentinel answered. */
export class MasterNotFoundError extends ConnectionError {
  override name = 'MasterNotFoundError';
  override readonly code: string = 'REDWIRE_ERR_MASTER_NOT_FOUND';
}

/** No healthy replica (nor a master to fall back to) could be discovered. */
export class ReplicaNotFoundError extends ConnectionError {
  override name = 'ReplicaNotFoundError';
  override readonly code: string = 'REDWIRE_ERR_REPLICA_NOT_FOUND';
}
