import {
  AuthenticationError,
  BusyLoadingError,
  ConfigError,
  ConnectionError,
  ResponseError,
} from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { LIB_NAME, LIB_VERSION } from '../version.js';
import type { Credentials, CredentialProvider } from './connection-options.js';

/** How the handshake talks to the socket: writes a batch now (one write) and returns one promise per command. */
export type HandshakeSend = (batch: RedisArg[][]) => Promise<RespValue>[];

export interface HandshakeSettings {
  protocol: 2 | 3;
  username: string | undefined;
  password: string | undefined;
  credentialProvider: CredentialProvider | undefined;
  clientName: string | undefined;
  db: number;
  /** For messages. */
  endpoint: string;
}

export interface HandshakeResult {
  protocol: 2 | 3;
  /** The HELLO reply (server, version, mode, role, ...) when RESP3 was negotiated. */
  hello: RespValue | undefined;
}

const FATAL = new WeakSet<Error>();

/** Marks an error as not worth retrying (e.g. a TLS certificate the client does not trust). */
export function fatalError<E extends Error>(error: E): E {
  FATAL.add(error);
  return error;
}

/**
 * Errors that retrying cannot fix (wrong password, unsupported protocol, bad db or client name): the connection
 * stops reconnecting and fails its commands with it. Anything else (socket errors, LOADING, ...) is retried.
 */
export function isFatalConnectError(error: unknown): boolean {
  if (error instanceof Error && FATAL.has(error)) return true;
  if (error instanceof AuthenticationError || error instanceof ConfigError) return true;
  return error instanceof ResponseError && !(error instanceof BusyLoadingError) && error.prefix !== 'TRYAGAIN';
}

async function credentialsOf(settings: HandshakeSettings): Promise<Credentials> {
  if (settings.credentialProvider === undefined) return { username: settings.username, password: settings.password };
  let credentials: Credentials;
  try {
    credentials = await settings.credentialProvider();
  } catch (error) {
    throw new ConnectionError(
      `The credentialProvider failed while connecting to ${settings.endpoint}: ${(error as Error)?.message ?? String(error)}.`,
      { endpoint: settings.endpoint, command: 'AUTH', cause: error },
    );
  }
  if (credentials === null || typeof credentials !== 'object') {
    throw new ConfigError(`The credentialProvider must return { username?, password? }, got ${typeof credentials}.`, {
      endpoint: settings.endpoint,
    });
  }
  return credentials;
}

function setInfo(): RedisArg[][] {
  return [
    ['CLIENT', 'SETINFO', 'LIB-NAME', LIB_NAME],
    ['CLIENT', 'SETINFO', 'LIB-VER', LIB_VERSION],
  ];
}

/** A reply lost with the socket (not an error reply) fails the whole handshake: the socket is gone. */
function throwIfLost(results: PromiseSettledResult<RespValue>[]): void {
  for (const result of results) {
    if (result.status === 'rejected' && !(result.reason instanceof ResponseError) && !(result.reason instanceof AuthenticationError)) {
      throw result.reason;
    }
  }
}

/**
 * The handshake's closing PING: HELLO, AUTH, CLIENT and SELECT are all accepted while the server is still loading
 * its dataset, PING is not. Its -LOADING fails the handshake with BusyLoadingError, which is not fatal: the
 * connection backs off and retries per its retry policy while commands stay queued, so callers never see -LOADING
 * after a restart. Other PING errors (e.g. MASTERDOWN on a stale replica) are left to the commands that follow.
 */
function throwIfLoading(results: PromiseSettledResult<RespValue>[], at: number, settings: HandshakeSettings): void {
  const result = results[at];
  if (result?.status !== 'rejected') return;
  const error: unknown = result.reason;
  if (error instanceof BusyLoadingError) {
    throw new BusyLoadingError(
      `${settings.endpoint} is still loading its dataset (${error.message}); the connection retries per its retry ` +
        'policy and sends the queued commands once the server is ready.',
      { command: 'PING', endpoint: settings.endpoint, prefix: error.prefix, cause: error },
    );
  }
}

/** Throws the error of the first rejected promise among `indexes`, if any. */
function throwFirst(results: PromiseSettledResult<RespValue>[], indexes: number[]): void {
  for (const i of indexes) {
    const result = results[i];
    if (result !== undefined && result.status === 'rejected') throw result.reason;
  }
}

function authFailure(error: unknown, settings: HandshakeSettings): unknown {
  if (error instanceof AuthenticationError) {
    const who = settings.credentialProvider !== undefined ? 'the credentialProvider' : "the 'username'/'password' options";
    return new AuthenticationError(
      `Authentication to ${settings.endpoint} failed: ${error.message.replace(/\.+$/, '')}. Check ${who}; not retrying.`,
      { command: error.command ?? 'AUTH', endpoint: settings.endpoint, cause: error },
    );
  }
  return error;
}

/**
 * Runs the connection handshake in as few round trips as the server allows. Protocol 3: one write of
 * `HELLO 3 [AUTH user pass] [SETNAME name]`, `CLIENT SETINFO LIB-NAME/LIB-VER`, `SELECT db`, `PING`; when the
 * server does not know HELLO (Redis < 6), one more write of the RESP2 path. Protocol 2: one write of `AUTH`,
 * `CLIENT SETNAME`, `CLIENT SETINFO` x2, `SELECT`, `PING` (the PING: see `throwIfLoading`). SETINFO errors (servers < 7.2) are ignored; anything else that
 * fails is thrown (see `isFatalConnectError`). The credential provider is called once per handshake.
 */
export async function performHandshake(send: HandshakeSend, settings: HandshakeSettings): Promise<HandshakeResult> {
  const { username, password } = await credentialsOf(settings);
  if (settings.protocol === 3) {
    const hello: RedisArg[] = ['HELLO', '3'];
    if (password !== undefined) hello.push('AUTH', username ?? 'default', password);
    if (settings.clientName !== undefined) hello.push('SETNAME', settings.clientName);
    const batch: RedisArg[][] = [hello, ...setInfo()];
    if (settings.db !== 0) batch.push(['SELECT', settings.db]);
    const ping = batch.push(['PING']) - 1;
    const results = await Promise.allSettled(send(batch));
    throwIfLost(results);
    const first = results[0];
    if (first?.status === 'fulfilled') {
      if (settings.db !== 0) throwFirst(results, [3]);
      throwIfLoading(results, ping, settings);
      return { protocol: 3, hello: first.value };
    }
    const error: unknown = first?.reason;
    if (error instanceof ResponseError && /^ERR unknown command/i.test(error.message)) {
      // A server without HELLO (Redis < 6): RESP2 it is. The rest of the batch failed unauthenticated; redo it.
      await resp2(send, settings, username, password, false);
      return { protocol: 2, hello: undefined };
    }
    if (error instanceof ResponseError && error.prefix === 'NOPROTO') {
      throw new ConfigError(
        `The server at ${settings.endpoint} does not support RESP3 (${error.message}). Set protocol: 2.`,
        { command: 'HELLO', endpoint: settings.endpoint, cause: error },
      );
    }
    throw authFailure(error, settings);
  }
  await resp2(send, settings, username, password, true);
  return { protocol: 2, hello: undefined };
}

async function resp2(
  send: HandshakeSend,
  settings: HandshakeSettings,
  username: string | undefined,
  password: string | undefined,
  withSetInfo: boolean,
): Promise<void> {
  const batch: RedisArg[][] = [];
  const checked: number[] = [];
  let auth = -1;
  if (password !== undefined) {
    auth = batch.length;
    batch.push(username !== undefined ? ['AUTH', username, password] : ['AUTH', password]);
  }
  if (settings.clientName !== undefined) {
    checked.push(batch.length);
    batch.push(['CLIENT', 'SETNAME', settings.clientName]);
  }
  const setInfoAt = batch.length;
  if (withSetInfo) batch.push(...setInfo());
  if (settings.db !== 0) {
    checked.push(batch.length);
    batch.push(['SELECT', settings.db]);
  }
  // Without credentials nothing above proves we may talk to this server (SETINFO can fail as unknown before
  // NOAUTH): a PING in the same write surfaces NOAUTH now instead of on the first user command. It also
  // surfaces -LOADING (see throwIfLoading).
  const ping = batch.push(['PING']) - 1;
  const results = await Promise.allSettled(send(batch));
  throwIfLost(results);
  if (auth !== -1) {
    const result = results[auth];
    if (result?.status === 'rejected') throw authFailure(result.reason, settings);
  }
  throwFirst(results, checked);
  throwIfLoading(results, ping, settings);
  // SETINFO errors are ignored (servers < 7.2), except NOAUTH: a protected server and no credentials given.
  for (const at of [password === undefined ? ping : -1, withSetInfo ? setInfoAt : -1]) {
    const result = at === -1 ? undefined : results[at];
    if (result?.status === 'rejected' && result.reason instanceof AuthenticationError) throw authFailure(result.reason, settings);
  }
}
