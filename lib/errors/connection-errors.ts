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

/**
 * The oldest command written to a socket waited past its deadline and not one byte arrived since it was written:
 * the server (or something between) stopped answering while the socket stayed open (a frozen process, a proxy that
 * stopped forwarding). The connection declares the socket dead, destroys it and reconnects; this error is the
 * `stalled` event's payload and the cause of the commands that were in flight on it.
 */
export class ConnectionStalledError extends ConnectionError {
  override name = 'ConnectionStalledError';
  override readonly code: string = 'REDWIRE_ERR_CONNECTION_STALLED';
  /** ms the oldest in-flight command had waited without a byte from the server. */
  readonly silentFor: number;

  constructor(message: string, silentFor: number, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.silentFor = silentFor;
  }
}

/** Which bound a command hit when it was refused before being sent. */
export type QueueBound = 'maxQueued';

/**
 * A command was refused before anything was sent because too many commands already wait for the connection: while
 * it is (re)connecting, or while the server is not keeping up (the written-but-unanswered bounds `maxInFlight` /
 * `maxInFlightBytes` are reached and `maxQueued` more wait to be written). Safe to retry later; the message names
 * the bounds and their values.
 */
export class QueueFullError extends ConnectionError {
  override name = 'QueueFullError';
  override readonly code: string = 'REDWIRE_ERR_QUEUE_FULL';
  readonly bound: QueueBound;

  constructor(message: string, bound: QueueBound, options: ConnectionErrorOptions = {}) {
    super(message, options);
    this.bound = bound;
  }
}
