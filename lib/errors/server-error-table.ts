import { AuthenticationError, ConnectionError } from './connection-errors.js';
import type { RedisError, RedisErrorOptions } from './redis-error.js';
import {
  AskError,
  BusyError,
  BusyLoadingError,
  ClusterDownError,
  CrossSlotError,
  ExecAbortError,
  MasterDownError,
  MovedError,
  NoPermissionError,
  NoScriptError,
  OutOfMemoryError,
  ReadOnlyError,
  ResponseError,
  TryAgainError,
  WrongTypeError,
} from './response-errors.js';

type ErrorFactory = (message: string, options: RedisErrorOptions & { prefix: string }) => RedisError;

const response =
  (Cls: new (message: string, options: RedisErrorOptions & { prefix?: string }) => ResponseError): ErrorFactory =>
  (message, options) =>
    new Cls(message, options);

/** The one table mapping a server error prefix (first word of the reply) to our class. */
const PREFIX_TABLE: ReadonlyMap<string, ErrorFactory> = new Map<string, ErrorFactory>(Object.entries({
  WRONGPASS: (m, o) => new AuthenticationError(m, o),
  NOAUTH: (m, o) => new AuthenticationError(m, o),
  NOPERM: response(NoPermissionError),
  LOADING: response(BusyLoadingError),
  BUSY: response(BusyError),
  READONLY: response(ReadOnlyError),
  NOSCRIPT: response(NoScriptError),
  EXECABORT: response(ExecAbortError),
  OOM: response(OutOfMemoryError),
  WRONGTYPE: response(WrongTypeError),
  MOVED: response(MovedError),
  ASK: response(AskError),
  TRYAGAIN: response(TryAgainError),
  CLUSTERDOWN: response(ClusterDownError),
  CROSSSLOT: response(CrossSlotError),
  MASTERDOWN: response(MasterDownError),
}));

/** `ERR ...` replies that mean something more specific than a generic response error. */
const ERR_MESSAGE_TABLE: ReadonlyArray<[RegExp, ErrorFactory]> = [
  [/^ERR (invalid password|invalid username-password pair|AUTH <password> called without any password)/i,
    (m, o) => new AuthenticationError(m, o)],
  [/^ERR max number of clients reached/i, (m, o) => new ConnectionError(m, o)],
];

/**
 * Turn the text of a server error reply into the matching error class.
 * `command` is the command name (never arguments) of the request the reply answers, when known.
 */
export function parseServerError(message: string, options: RedisErrorOptions = {}): RedisError {
  const space = message.indexOf(' ');
  const prefix = space === -1 ? message : message.slice(0, space);
  const factory = PREFIX_TABLE.get(prefix);
  const withPrefix = { ...options, prefix };
  if (factory !== undefined) return factory(message, withPrefix);
  if (prefix === 'ERR') {
    for (const [pattern, make] of ERR_MESSAGE_TABLE) if (pattern.test(message)) return make(message, withPrefix);
  }
  return new ResponseError(message, withPrefix);
}
