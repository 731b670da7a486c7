import { RedisError, type RedisErrorOptions } from './redis-error.js';

/** The socket could not be opened, broke, or was closed while a command needed it. */
export class ConnectionError extends RedisError {
  override name = 'ConnectionError';
  override readonly code: string = 'REDWIRE_ERR_CONNECTION';
}

export type TimeoutKind = 'connect' | 'command' | 'acquire' | 'disconnect';

/** A deadline passed. `kind` says which one: connecting, waiting for a command's reply, or waiting for the pool. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  override readonly code: string = 'REDWIRE_ERR_TIMEOUT';
  readonly kind: TimeoutKind;
  readonly timeout: number;

  constructor(message: string, kind: TimeoutKind, timeout: number, options: RedisErrorOptions = {}) {
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
