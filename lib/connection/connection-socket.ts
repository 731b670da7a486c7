import type { Socket } from 'node:net';
import { ConnectionError, DataError, ProtocolError, TimeoutError } from '../errors/index.js';
import { asError } from '../errors/as-error.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { CommandPipeline } from './command-pipeline.js';
import { connectTimeoutError, lostError, socketOpenError } from './connection-failures.js';
import { performHandshake } from './connection-handshake.js';
import type { Endpoint } from './connection-options.js';
import { PendingCommand } from './pending-command.js';
import { createSocket, endpointLabel, readyEventOf } from './socket-factory.js';
import type { NormalizedConnectionOptions } from './validate-connection-options.js';
import { withinDeadline } from './within-deadline.js';

/** What the socket half asks its connection. */
export interface SocketHost {
  /** The endpoint connected to, and its label (`host:port` or socket path) for errors. */
  readonly endpoint: Endpoint;
  readonly label: string;
  /** The db the handshake selects. */
  readonly db: number;
  /** disconnect()/destroy()/give-up happened. */
  readonly stopping: boolean;
  /** `resolveEndpoint` gave the endpoint of this attempt (and `label` is now `endpointLabel(endpoint)`). */
  resolved(endpoint: Endpoint, label: string): void;
  /** The socket is open (handshake next): the `connect` event. */
  opened(): void;
  /** Handling a reply from `socket` failed (`failure` is already the socket's `lastError`). */
  replyFailed(socket: Socket, failure: ProtocolError): void;
  /** `socket` (current or stale) closed. */
  closed(socket: Socket): void;
  /** Arms a command's timeout (the connection's abandon path). */
  arm(cmd: PendingCommand, timeout: number): void;
}

/**
 * The socket of a Connection: opening it within connectTimeout (resolving the endpoint first when asked), the
 * handshake, incoming data, internal commands (handshake, health check, QUIT), and the error that ended it. Each
 * attempt gets an id, so a stale attempt (timed out, abandoned) cannot touch the next one's socket.
 */
export class ConnectionSocket {
  readonly #host: SocketHost;
  readonly #options: NormalizedConnectionOptions;
  readonly #pipeline: CommandPipeline;
  #socket: Socket | undefined;
  /** Bumped per connect attempt and when one times out. */
  #attemptId = 0;
  /** Why the current socket failed (or is being closed): what its commands and the connect loop report. */
  lastError: Error | undefined;

  constructor(host: SocketHost, options: NormalizedConnectionOptions, pipeline: CommandPipeline) {
    this.#host = host;
    this.#options = options;
    this.#pipeline = pipeline;
  }

  /** The current socket (being opened, handshaking or ready); undefined between sockets. */
  get socket(): Socket | undefined {
    return this.#socket;
  }

  /** One attempt: resolve the endpoint, open the socket, handshake; all within connectTimeout. */
  async connectOnce(): Promise<void> {
    const id = ++this.#attemptId;
    const limit = this.#options.connectTimeout;
    await withinDeadline(this.#openAndHandshake(id), limit > 0 ? Date.now() + limit : 0, () => {
      const expired = connectTimeoutError(this.#host.label, limit);
      this.#attemptId++;
      this.#socket?.destroy();
      return expired;
    });
    if (this.#socket === undefined || this.#socket.destroyed || id !== this.#attemptId) {
      throw this.lastError ?? new ConnectionError(`${this.#host.label} closed the connection during the handshake.`, { endpoint: this.#host.label });
    }
  }

  async #openAndHandshake(id: number): Promise<void> {
    const o = this.#options;
    const host = this.#host;
    if (o.resolveEndpoint !== undefined) {
      let endpoint: Endpoint;
      try {
        endpoint = await o.resolveEndpoint();
      } catch (error) {
        throw new ConnectionError(`Could not resolve the endpoint (was ${host.label}): ${asError(error).message}`, {
          endpoint: host.label,
          cause: error,
        });
      }
      if (id !== this.#attemptId) throw new ConnectionError(`Connect attempt to ${host.label} was abandoned.`, { endpoint: host.label });
      host.resolved(endpoint, endpointLabel(endpoint));
    }
    if (host.stopping) throw new ConnectionError(`Connection to ${host.label} was closed while connecting.`, { endpoint: host.label });
    const settings = { tls: o.tls, noDelay: o.noDelay, keepAlive: o.keepAlive };
    this.lastError = undefined;
    const socket = createSocket(host.endpoint, settings);
    this.#socket = socket;
    this.#pipeline.socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk));
    socket.on('error', (error: Error) => {
      if (socket === this.#socket) this.lastError = error;
    });
    socket.on('close', () => host.closed(socket));
    await new Promise<void>((resolve, reject) => {
      const fail = (): void => reject(socketOpenError(host.label, this.lastError));
      socket.once(readyEventOf(settings), () => {
        socket.off('close', fail);
        resolve();
      });
      socket.once('close', fail);
    });
    this.#pipeline.lastActivity = Date.now();
    host.opened();
    const result = await performHandshake((batch) => this.sendInternal(batch, 0, socket), {
      protocol: o.protocol,
      username: o.username,
      password: o.password,
      credentialProvider: o.credentialProvider,
      clientName: o.clientName,
      db: host.db,
      endpoint: host.label,
    });
    this.#pipeline.protocol = result.protocol;
    if (o.afterHandshake !== undefined) {
      await o.afterHandshake((args) => this.sendInternal([args], 0, socket)[0]!, host.endpoint);
    }
  }

  #onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.#socket) return;
    try {
      this.#pipeline.feed(chunk);
    } catch (error) {
      const label = this.#host.label;
      const failure = error instanceof ProtocolError ? error : new ProtocolError(
        `Handling a reply from ${label} failed: ${asError(error).message}`,
        { endpoint: label, cause: error },
      );
      failure.endpoint = label;
      this.lastError = failure;
      this.#host.replyFailed(socket, failure);
    }
  }

  /**
   * disconnect() of a ready socket: waits up to `timeout` ms for the replies in flight, then sends QUIT and ends the
   * socket (destroying it if the connection's `ended` has not come a second later). Past the deadline, what is still
   * due fails with TimeoutError('disconnect') and the socket is destroyed: no QUIT on a busy socket.
   */
  async quit(timeout: number, ended: Promise<void>): Promise<void> {
    this.#pipeline.flush();
    await this.#pipeline.drained(timeout);
    const socket = this.#socket;
    if (socket === undefined) return ended;
    if (this.#pipeline.blockedOnly) {
      // A blocking command (BLPOP 0, XREAD BLOCK ...) answers when data arrives, maybe never: do not wait for it.
      this.lastError = new ConnectionError(
        `disconnect() closed the connection to ${this.#host.label} while a blocking command waited for data; ` +
          'it was cancelled (had data arrived at that moment, the server may have served it).',
        { endpoint: this.#host.label },
      );
      socket.destroy();
      return ended;
    }
    if (!this.#pipeline.idle) {
      this.lastError = new TimeoutError(
        `No reply from ${this.#host.label} within disconnect()'s ${timeout} ms deadline.`,
        'disconnect',
        timeout,
        { endpoint: this.#host.label },
      );
      socket.destroy();
      return ended;
    }
    const quit = this.sendInternal([['QUIT']], 1000)[0]!;
    await quit.catch(() => undefined);
    socket.end();
    const timer = setTimeout(() => socket.destroy(), 1000);
    await ended;
    clearTimeout(timer);
  }

  /** Forgets the current socket and destroys it; returns it (undefined when there was none). */
  release(): Socket | undefined {
    const socket = this.#socket;
    if (socket === undefined) return undefined;
    this.#socket = undefined;
    socket.destroy();
    return socket;
  }

  /**
   * Writes internal commands now (handshake, health check, QUIT), in one write; only on `owner` (when given), so a
   * stale handshake never writes to a newer socket.
   */
  sendInternal(batch: readonly (readonly RedisArg[])[], timeout = 0, owner?: Socket): Promise<RespValue>[] {
    const commands: PendingCommand[] = [];
    const promises = batch.map((args) => new Promise<RespValue>((resolve, reject) => {
      const cmd = new PendingCommand(args, resolve as (value: never) => void, reject);
      if (timeout > 0) this.#host.arm(cmd, timeout);
      commands.push(cmd);
    }));
    try {
      if (this.#socket === undefined || this.#socket.destroyed || (owner !== undefined && owner !== this.#socket)) throw this.lastError ?? new Error('socket closed');
      this.#pipeline.writeNow(commands);
    } catch (error) {
      for (const cmd of commands) cmd.fail(error instanceof DataError ? error : lostError(cmd, this.#host.label, asError(error)));
    }
    return promises;
  }
}
