import { RedisError, type RedisErrorOptions } from './redis-error.js';

/**
 * The server answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`, a RESP3 bulk error).
 * `prefix` is the first word of the reply (`ERR`, `WRONGTYPE`, ...); `message` is the server's text.
 */
export class ResponseError extends RedisError {
  override name = 'ResponseError';
  override readonly code: string = 'REDWIRE_ERR_RESPONSE';
  readonly prefix: string;

  constructor(message: string, options: RedisErrorOptions & { prefix?: string } = {}) {
    super(message, options);
    this.prefix = options.prefix ?? (message.split(' ', 1)[0] ?? 'ERR');
  }
}

export class BusyLoadingError extends ResponseError {
  override name = 'BusyLoadingError';
  override readonly code: string = 'REDWIRE_ERR_BUSY_LOADING';
}
/** BUSY: a script or function is running and blocks the server. */
export class BusyError extends ResponseError {
  override name = 'BusyError';
  override readonly code: string = 'REDWIRE_ERR_BUSY';
}
export class ReadOnlyError extends ResponseError {
  override name = 'ReadOnlyError';
  override readonly code: string = 'REDWIRE_ERR_READONLY';
}
export class NoScriptError extends ResponseError {
  override name = 'NoScriptError';
  override readonly code: string = 'REDWIRE_ERR_NOSCRIPT';
}
export class ExecAbortError extends ResponseError {
  override name = 'ExecAbortError';
  override readonly code: string = 'REDWIRE_ERR_EXECABORT';
}
export class OutOfMemoryError extends ResponseError {
  override name = 'OutOfMemoryError';
  override readonly code: string = 'REDWIRE_ERR_OOM';
}
export class WrongTypeError extends ResponseError {
  override name = 'WrongTypeError';
  override readonly code: string = 'REDWIRE_ERR_WRONGTYPE';
}
export class TryAgainError extends ResponseError {
  override name = 'TryAgainError';
  override readonly code: string = 'REDWIRE_ERR_TRYAGAIN';
}
export class ClusterDownError extends ResponseError {
  override name = 'ClusterDownError';
  override readonly code: string = 'REDWIRE_ERR_CLUSTERDOWN';
}
export class CrossSlotError extends ResponseError {
  override name = 'CrossSlotError';
  override readonly code: string = 'REDWIRE_ERR_CROSSSLOT';
}
export class MasterDownError extends ResponseError {
  override name = 'MasterDownError';
  override readonly code: string = 'REDWIRE_ERR_MASTERDOWN';
}
/** The ACL user may not run this command or touch this key (NOPERM). Named AuthorizationError in redis-py. */
export class AuthorizationError extends ResponseError {
  override name = 'AuthorizationError';
  override readonly code: string = 'REDWIRE_ERR_AUTHORIZATION';
}
export class NoPermissionError extends AuthorizationError {
  override name = 'NoPermissionError';
  override readonly code: string = 'REDWIRE_ERR_NOPERM';
}

/** Base of MOVED and ASK: the slot and the node that serves it, parsed from the reply. */
export class RedirectionError extends ResponseError {
  override name = 'RedirectionError';
  readonly slot: number;
  /** Host as announced by the server; empty string means "the host you asked" (Redis 7 may omit it). */
  readonly host: string;
  readonly port: number;

  constructor(message: string, options: RedisErrorOptions & { prefix?: string } = {}) {
    super(message, options);
    // "<PREFIX> <slot> <host>:<port>"; the host may be IPv6 or empty, so split at the last colon.
    const [, slotText = '', address = ''] = message.split(' ');
    const colon = address.lastIndexOf(':');
    this.slot = Number.parseInt(slotText, 10);
    this.host = colon >= 0 ? address.slice(0, colon) : address;
    this.port = colon >= 0 ? Number.parseInt(address.slice(colon + 1), 10) : Number.NaN;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }
}
export class MovedError extends RedirectionError {
  override name = 'MovedError';
  override readonly code: string = 'REDWIRE_ERR_MOVED';
}
export class AskError extends RedirectionError {
  override name = 'AskError';
  override readonly code: string = 'REDWIRE_ERR_ASK';
}
