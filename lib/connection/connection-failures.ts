import { AbortError, ConnectionError, ProtocolError, RedisError, TimeoutError } from '../errors/index.js';
import { fatalError } from './connection-handshake.js';
import type { PendingCommand } from './pending-command.js';

/*
 * The errors a connection hands to callers, in one place so each says what happened and what to do, and always
 * carries `command` (name only) and `endpoint`.
 */

export function commandTimeoutError(cmd: PendingCommand, endpoint: string, timeout: number): TimeoutError {
  return new TimeoutError(
    `${cmd.name} to ${endpoint} timed out after ${timeout} ms without a reply (commandTimeout/timeout). ` +
      'Its late reply will be discarded; raise the timeout for slow commands.',
    'command',
    timeout,
    { command: cmd.name, endpoint, written: cmd.written },
  );
}

export function abortError(cmd: PendingCommand, endpoint: string, signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return new AbortError(`${cmd.name} to ${endpoint} was aborted by its signal (${why}).`, {
    command: cmd.name,
    endpoint,
    cause: reason,
  });
}

export function connectTimeoutError(endpoint: string, timeout: number): TimeoutError {
  return new TimeoutError(
    `Connecting to ${endpoint} timed out after ${timeout} ms (connectTimeout, socket + handshake). ` +
      'Check that the server is up and reachable, or raise connectTimeout.',
    'connect',
    timeout,
    { endpoint },
  );
}

/** Why a socket could not be opened. TLS verification failures are fatal: retrying cannot fix them. */
export function socketOpenError(endpoint: string, error: Error | undefined): ConnectionError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HOSTNAME/.test(code)) {
    return fatalError(new ConnectionError(
      `TLS certificate verification failed for ${endpoint}: ${error?.message}. Pass the server's CA as tls.ca ` +
        '(and tls.servername when connecting by IP or alias); not retrying.',
      { endpoint, cause: error },
    ));
  }
  return new ConnectionError(`Could not connect to ${endpoint}: ${error?.message ?? 'the socket closed before it was ready'}.`, {
    endpoint,
    cause: error,
  });
}

/** The error a command gets when its socket is lost (normally written; `written` says whether it was). */
export function lostError(cmd: PendingCommand, endpoint: string, cause: Error | undefined): ConnectionError | ProtocolError {
  const written = cmd.written;
  if (cause instanceof ProtocolError) {
    return new ProtocolError(
      `${cmd.name} failed: ${endpoint} sent a malformed reply (${cause.message}); the connection was reset.`,
      { command: cmd.name, endpoint, cause },
    );
  }
  if (cause instanceof TimeoutError) {
    return new TimeoutError(`${cmd.name}: ${cause.message}`, cause.kind, cause.timeout, { command: cmd.name, endpoint, cause, written });
  }
  const why = cause !== undefined ? ` (${cause.message})` : '';
  if (!written) {
    return new ConnectionError(`${cmd.name} was not sent: the connection to ${endpoint} was lost first${why}. It is safe to retry.`, {
      command: cmd.name,
      endpoint,
      cause,
      written,
    });
  }
  return new ConnectionError(
    `Connection to ${endpoint} was lost before the reply to ${cmd.name} arrived${why}. ` +
      'The command may or may not have run; retry it if it is idempotent.',
    { command: cmd.name, endpoint, cause, written },
  );
}

/**
 * The connection closed for good with `error`: the same failure, addressed to one waiting command. A waiting command
 * was normally never sent; one re-queued after a reconnect (`retryOnReconnect`) was, and says so.
 */
export function failureFor(cmd: PendingCommand, endpoint: string, error: Error): Error {
  const written = cmd.written;
  if (Object.getPrototypeOf(error) === ConnectionError.prototype) {
    const what = written
      ? `${cmd.name} was written to an earlier socket, whose reply was lost, and could not be re-sent (it may or may not have run)`
      : `${cmd.name} was not sent`;
    return new ConnectionError(`${what}: ${error.message}`, { command: cmd.name, endpoint, cause: error.cause ?? error, written });
  }
  if (error instanceof RedisError) {
    // Same class (AuthenticationError, TimeoutError, ...) and message, with this command's name.
    const copy = Object.create(Object.getPrototypeOf(error) as object) as RedisError;
    Object.assign(copy, error, { command: cmd.name, endpoint, message: error.message, stack: error.stack });
    if (copy instanceof ConnectionError) copy.written = written;
    if (error.cause !== undefined) Object.defineProperty(copy, 'cause', { value: error.cause, configurable: true, writable: true });
    return copy;
  }
  return error;
}
