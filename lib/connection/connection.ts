import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import {
  AbortError,
  ConnectionError,
  DataError,
  ProtocolError,
  RedisError,
  TimeoutError,
} from '../errors/index.js';
import { encodeCommands } from '../protocol/command-encoder.js';
import { RespDecoder } from '../protocol/resp-decoder.js';
import type { DecoderHandlers, RedisArg, RespMap, RespValue } from '../protocol/resp-value.js';
import { CommandQueue } from './command-queue.js';
import { commandChannel, connectChannel, traceCommand, traceConnect } from './connection-diagnostics.js';
import { fatalError, isFatalConnectError, performHandshake } from './connection-handshake.js';
import type { ConnectionOptions, Endpoint } from './connection-options.js';
import {
  AT_BATCH,
  AT_IN_FLIGHT,
  AT_WAITING,
  KIND_HELLO,
  KIND_PLAIN,
  KIND_QUIT,
  KIND_RESET,
  KIND_SELECT,
  isPubSubKind,
  PendingCommand,
} from './pending-command.js';
import { PubSubTracker, pubSubFrameKind } from './pubsub-tracker.js';
import { createSocket, endpointLabel, readyEventOf } from './socket-factory.js';
import { validateConnectionOptions, type NormalizedConnectionOptions } from './validate-connection-options.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closing' | 'closed';

export interface CommandOptions {
  /** Settles the command with AbortError when aborted; a late reply is discarded. */
  signal?: AbortSignal;
  /** ms to wait for the reply, overriding `commandTimeout`; 0 = none. Counted from the call (queue time included). */
  timeout?: number;
  /** Decode this command's bulk strings as Buffers. */
  returnBuffers?: boolean;
  /**
   * Re-send the command after a reconnect if the socket dies after it was written. Double-apply risk: the server may
   * have executed it before the socket died (only the reply was lost), so a non-idempotent command (INCR, LPUSH, ...)
   * can run twice. Default false: such commands fail with ConnectionError and the caller decides.
   */
  retryOnReconnect?: boolean;
}

export interface ReconnectingEvent {
  attempt: number;
  delay: number;
  cause: Error | undefined;
}

/** Timed-out/aborted commands whose replies are still due; beyond this the socket is considered stuck and replaced. */
const MAX_ABANDONED_IN_FLIGHT = 1000;
/** ms `disconnect()` waits for in-flight replies by default. */
const DEFAULT_DISCONNECT_TIMEOUT = 5000;

type Waiter = { resolve: () => void; reject: (error: Error) => void };

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * One socket to one Redis endpoint: TCP, TLS or unix socket; the handshake; a FIFO of in-flight commands with writes
 * coalesced per tick; per-command timeouts and abort; health check; reconnect with the retry policy.
 * See docs/CONTRACTS.md (connection) for the events and the pub/sub rules.
 */
export class Connection extends EventEmitter {
  readonly #options: NormalizedConnectionOptions;
  #status: ConnectionStatus = 'idle';
  #socket: Socket | undefined;
  readonly #decoder: RespDecoder;
  #endpoint: Endpoint;
  #label: string;
  readonly #inFlight = new CommandQueue<PendingCommand>();
  readonly #waiting = new CommandQueue<PendingCommand>();
  #waitingSettled = 0;
  #batch: PendingCommand[] = [];
  #batchArgs: (readonly RedisArg[])[] = [];
  #batchSettled = 0;
  #flushScheduled = false;
  readonly #flushBound = (): void => this.#flush();
  #abandoned = 0;
  #protocol: 2 | 3;
  #db: number;
  readonly #pubsub = new PubSubTracker();
  #lastActivity = 0;
  #attempt = 0;
  #everReady = false;
  #loopRunning = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryWake: (() => void) | undefined;
  #readyWaiters: Waiter[] = [];
  #lastSocketError: Error | undefined;
  #stopping: 'graceful' | 'destroy' | undefined;
  #endPending = false;
  #checking = false;
  #drainWaiter: (() => void) | undefined;

  constructor(options: ConnectionOptions = {}) {
    super();
    this.#options = validateConnectionOptions(options);
    const o = this.#options;
    this.#protocol = o.protocol;
    this.#db = o.db;
    this.#endpoint = o.path !== undefined ? { path: o.path } : { host: o.host, port: o.port };
    this.#label = endpointLabel(this.#endpoint);
    const handlers: DecoderHandlers = {
      onReply: (value) => this.#onReply(value),
      onErrorReply: (error) => this.#onErrorReply(error),
      onPush: (value) => this.#onPush(value),
      wantBuffers: () => this.#inFlight.peek()?.buffers === true,
    };
    this.#decoder = new RespDecoder(handlers, { maxBulkLength: o.maxBulkLength });
    if (!o.lazyConnect) this.connect().catch(() => undefined);
  }

  get status(): ConnectionStatus {
    return this.#status;
  }
  /** `host:port` or the socket path of the current (or last) endpoint; never credentials. */
  get endpoint(): string {
    return this.#label;
  }
  /** Commands written (or about to be, this tick) and awaiting a reply. */
  get inFlight(): number {
    return this.#inFlight.length + this.#batch.length - this.#batchSettled;
  }
  /** Commands waiting for the connection to be ready. */
  get queued(): number {
    return this.#waiting.length - this.#waitingSettled;
  }
  get lastActivity(): number {
    return this.#lastActivity;
  }
  get protocol(): 2 | 3 {
    return this.#protocol;
  }
  get db(): number {
    return this.#db;
  }
  get subscriptions(): number {
    return this.#pubsub.total;
  }

  /** Resolves when the handshake is done; idempotent. Rejects when the retry policy gives up or on a fatal error. */
  connect(): Promise<void> {
    if (this.#status === 'ready') return Promise.resolve();
    if (this.#status === 'closing') {
      return Promise.reject(new ConnectionError(`Connection to ${this.#label} is closing; create a new one.`, { endpoint: this.#label }));
    }
    const promise = new Promise<void>((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
    if (this.#status === 'idle' || this.#status === 'closed') {
      this.#stopping = undefined;
      this.#endPending = false;
      this.#attempt = 0;
      this.#runLoop(0);
    }
    return promise;
  }

  sendCommand<T = RespValue>(args: readonly RedisArg[], options?: CommandOptions): Promise<T> {
    if (commandChannel.hasSubscribers && Array.isArray(args) && args.length > 0) {
      const name = String(args[0]).toUpperCase();
      const port = this.#endpoint.path === undefined ? this.#endpoint.port : undefined;
      const address = this.#endpoint.path ?? this.#endpoint.host ?? '';
      return traceCommand(() => this.#send<T>(args, options), name, args, this.#db, address, port);
    }
    return this.#send<T>(args, options);
  }

  #send<T>(args: readonly RedisArg[], options: CommandOptions | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!Array.isArray(args) || args.length === 0) {
        reject(new DataError('sendCommand needs a non-empty array: the command name, then its arguments.', { endpoint: this.#label }));
        return;
      }
      const cmd = new PendingCommand(args, resolve as (value: never) => void, reject);
      if (options !== undefined) {
        if (!this.#applyOptions(cmd, options)) return;
      } else if (this.#options.commandTimeout > 0) {
        this.#arm(cmd, this.#options.commandTimeout);
      }
      if (this.#status === 'ready' && !this.#checking) {
        if (this.#options.healthCheckInterval > 0 && this.#needsHealthCheck()) {
          this.#queue(cmd);
          this.#healthCheck();
          return;
        }
        this.#enqueueWrite(cmd);
        return;
      }
      this.#queue(cmd);
    });
  }

  /** Returns false when the command already settled (aborted signal). */
  #applyOptions(cmd: PendingCommand, options: CommandOptions): boolean {
    if (options.returnBuffers === true) cmd.buffers = true;
    if (options.retryOnReconnect === true) cmd.retry = true;
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        cmd.fail(this.#abortError(cmd, signal));
        return false;
      }
      cmd.signal = signal;
      cmd.onAbort = () => this.#abandon(cmd, this.#abortError(cmd, signal));
      signal.addEventListener('abort', cmd.onAbort, { once: true });
    }
    const timeout = options.timeout ?? this.#options.commandTimeout;
    if (typeof timeout !== 'number' || !(timeout >= 0)) {
      cmd.fail(new DataError(`Invalid timeout for ${cmd.name}: expected ms >= 0, got ${String(timeout)}.`, { command: cmd.name, endpoint: this.#label }));
      return false;
    }
    if (timeout > 0) this.#arm(cmd, timeout);
    return true;
  }

  #arm(cmd: PendingCommand, timeout: number): void {
    cmd.timer = setTimeout(() => {
      cmd.timer = undefined;
      const error = new TimeoutError(
        `${cmd.name} to ${this.#label} timed out after ${timeout} ms without a reply (commandTimeout/timeout). ` +
          'Its late reply will be discarded; raise the timeout for slow commands.',
        'command',
        timeout,
        { command: cmd.name, endpoint: this.#label },
      );
      this.#abandon(cmd, error);
    }, timeout);
  }

  #abortError(cmd: PendingCommand, signal: AbortSignal): AbortError {
    const reason: unknown = signal.reason;
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    return new AbortError(`${cmd.name} to ${this.#label} was aborted by its signal (${why}).`, {
      command: cmd.name,
      endpoint: this.#label,
      cause: reason,
    });
  }

  /** Settles a command early (timeout/abort) and leaves its slot so the late reply is consumed, not misdelivered. */
  #abandon(cmd: PendingCommand, error: Error): void {
    if (cmd.settled) return;
    cmd.fail(error);
    if (cmd.at === AT_WAITING) this.#waitingSettled++;
    else if (cmd.at === AT_BATCH) this.#batchSettled++;
    else if (++this.#abandoned > MAX_ABANDONED_IN_FLIGHT) {
      this.reconnect(new ConnectionError(
        `${this.#abandoned} commands to ${this.#label} timed out or were aborted with their replies still due; replacing the socket.`,
        { endpoint: this.#label, command: cmd.name },
      ));
    }
  }

  #queue(cmd: PendingCommand): void {
    const status = this.#status;
    if (status === 'closing' || status === 'closed' || this.#stopping !== undefined) {
      cmd.fail(new ConnectionError(
        `Cannot send ${cmd.name}: the connection to ${this.#label} is ${status === 'closed' ? 'closed' : 'closing'}. Create a new connection (or call connect()).`,
        { command: cmd.name, endpoint: this.#label },
      ));
      return;
    }
    if (this.queued >= this.#options.maxQueued) {
      cmd.fail(new ConnectionError(
        `Cannot queue ${cmd.name}: ${this.queued} commands already wait for ${this.#label} to be ${status === 'idle' ? 'connected' : 'ready'} (maxQueued=${this.#options.maxQueued}). The command was not sent.`,
        { command: cmd.name, endpoint: this.#label },
      ));
      return;
    }
    cmd.at = AT_WAITING;
    this.#waiting.push(cmd);
    if (status === 'idle') this.connect().catch(() => undefined);
  }

  #enqueueWrite(cmd: PendingCommand): void {
    cmd.at = AT_BATCH;
    this.#batch.push(cmd);
    this.#batchArgs.push(cmd.args);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flushBound);
    }
  }

  /** Writes the batch collected this tick: one encode, one socket write. */
  #flush(): void {
    this.#flushScheduled = false;
    let batch = this.#batch;
    if (batch.length === 0) return;
    let args = this.#batchArgs;
    this.#batch = [];
    this.#batchArgs = [];
    const socket = this.#socket;
    if (socket === undefined) {
      this.#requeue(batch);
      return;
    }
    if (this.#batchSettled > 0) {
      batch = batch.filter((c) => !c.settled);
      args = batch.map((c) => c.args);
      this.#batchSettled = 0;
    }
    let bytes: Buffer;
    try {
      bytes = encodeCommands(args);
    } catch {
      // Some argument cannot be encoded: fail just those commands (DataError), write the others.
      const good: PendingCommand[] = [];
      for (const cmd of batch) {
        try {
          encodeCommands([cmd.args]);
          good.push(cmd);
        } catch (error) {
          if (error instanceof RedisError) error.endpoint = this.#label;
          cmd.fail(asError(error));
        }
      }
      batch = good;
      bytes = encodeCommands(good.map((c) => c.args));
    }
    for (let i = 0; i < batch.length; i++) {
      const cmd = batch[i];
      cmd.at = AT_IN_FLIGHT;
      this.#inFlight.push(cmd);
    }
    if (batch.length > 0) {
      this.#lastActivity = Date.now();
      socket.write(bytes);
    }
  }

  /** Writes internal commands now (handshake, health check, QUIT), ahead of anything queued. */
  #sendInternal(batch: RedisArg[][], timeout = 0): Promise<RespValue>[] {
    const promises: Promise<RespValue>[] = [];
    const commands: PendingCommand[] = [];
    for (const args of batch) {
      promises.push(new Promise<RespValue>((resolve, reject) => {
        const cmd = new PendingCommand(args, resolve as (value: never) => void, reject);
        cmd.internal = true;
        if (timeout > 0) this.#arm(cmd, timeout);
        commands.push(cmd);
      }));
    }
    const socket = this.#socket;
    let bytes: Buffer;
    try {
      bytes = encodeCommands(batch);
    } catch (error) {
      for (const cmd of commands) cmd.fail(asError(error));
      return promises;
    }
    if (socket === undefined || socket.destroyed) {
      for (const cmd of commands) cmd.fail(this.#lostError(cmd, this.#lastSocketError));
      return promises;
    }
    for (const cmd of commands) {
      cmd.at = AT_IN_FLIGHT;
      this.#inFlight.push(cmd);
    }
    this.#lastActivity = Date.now();
    socket.write(bytes);
    return promises;
  }

  // ---- replies -------------------------------------------------------------------------------------------------

  #onReply(value: RespValue): void {
    const cmd = this.#inFlight.peek();
    if (Array.isArray(value) && this.#protocol === 2 && (this.#pubsub.total > 0 || (cmd !== undefined && isPubSubKind(cmd.kind)))) {
      const kind = pubSubFrameKind(value);
      if (kind !== undefined) {
        this.#onPubSubFrame(kind, value);
        return;
      }
    }
    if (cmd === undefined) {
      throw new ProtocolError(`${this.#label} sent a reply while no command was waiting for one.`, { endpoint: this.#label });
    }
    this.#inFlight.shift();
    if (cmd.settled) {
      this.#abandonedReplyConsumed(cmd);
      this.#maybeDrained();
      return;
    }
    if (cmd.kind !== KIND_PLAIN) this.#afterSpecial(cmd, value);
    cmd.fulfil(value);
    if (this.#drainWaiter !== undefined) this.#maybeDrained();
  }

  #onErrorReply(error: RedisError): void {
    const cmd = this.#inFlight.shift();
    if (cmd === undefined) {
      throw new ProtocolError(`${this.#label} sent an error reply while no command was waiting for one: ${error.message}`, {
        endpoint: this.#label,
      });
    }
    if (cmd.settled) {
      this.#abandonedReplyConsumed(cmd);
    } else {
      error.command = cmd.name;
      error.endpoint = this.#label;
      cmd.fail(error);
    }
    this.#maybeDrained();
  }

  #abandonedReplyConsumed(cmd: PendingCommand): void {
    void cmd;
    if (this.#abandoned > 0) this.#abandoned--;
  }

  #onPush(value: RespValue[]): void {
    const kind = pubSubFrameKind(value);
    if (kind !== undefined && kind !== 0) {
      this.#onPubSubFrame(kind, value);
      return;
    }
    this.#emitSafely('push', value);
  }

  /** A pub/sub confirmation or message (RESP3 push, or RESP2 array in subscriber mode). */
  #onPubSubFrame(kind: number, frame: RespValue[]): void {
    if (kind !== 0) {
      this.#pubsub.apply(kind, frame);
      const head = this.#inFlight.peek();
      if (head !== undefined && head.kind === kind) {
        const done = head.remaining > 0 ? --head.remaining === 0 : this.#pubsub.size(kind) === 0;
        if (done) {
          this.#inFlight.shift();
          if (head.settled) this.#abandonedReplyConsumed(head);
          else head.fulfil(this.#pubsub.total);
        }
      }
    }
    this.#emitSafely('push', frame);
    this.#maybeDrained();
  }

  #afterSpecial(cmd: PendingCommand, value: RespValue): void {
    switch (cmd.kind) {
      case KIND_SELECT:
        this.#db = Number(cmd.args[1]);
        break;
      case KIND_RESET:
        this.#db = 0;
        this.#protocol = 2;
        this.#pubsub.clear();
        break;
      case KIND_HELLO: {
        const proto = (value as RespMap | null)?.proto;
        if (proto === 2 || proto === 3) this.#protocol = proto;
        break;
      }
      case KIND_QUIT:
        // The server closes the socket after QUIT: do not reconnect.
        if (this.#stopping === undefined) {
          this.#stopping = 'graceful';
          this.#status = 'closing';
        }
        break;
    }
  }

  #emitSafely(event: string, value: unknown): void {
    try {
      this.emit(event, value);
    } catch (error) {
      // A throwing listener must not corrupt the decoder's state; report it like Node would, outside our stack.
      process.nextTick(() => {
        throw error;
      });
    }
  }

  #emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.#emitSafely('error', error);
  }

  // ---- health check --------------------------------------------------------------------------------------------

  #needsHealthCheck(): boolean {
    return this.#inFlight.length === 0 && this.#batch.length === 0 &&
      Date.now() - this.#lastActivity > this.#options.healthCheckInterval;
  }

  #healthCheck(): void {
    this.#checking = true;
    const timeout = this.#options.connectTimeout > 0 ? this.#options.connectTimeout : 5000;
    const socket = this.#socket;
    const [ping] = this.#sendInternal([['PING']], timeout);
    ping!.then(
      () => {
        this.#checking = false;
        if (this.#status === 'ready') this.#drainWaiting();
      },
      (error: unknown) => {
        this.#checking = false;
        if (socket !== this.#socket || this.#status !== 'ready') return;
        this.reconnect(new ConnectionError(`Health check PING to ${this.#label} failed: ${asError(error).message}`, {
          command: 'PING',
          endpoint: this.#label,
          cause: error,
        }));
      },
    );
  }

  #drainWaiting(): void {
    for (let cmd = this.#waiting.shift(); cmd !== undefined; cmd = this.#waiting.shift()) {
      if (cmd.settled) continue;
      this.#enqueueWrite(cmd);
    }
    this.#waitingSettled = 0;
  }

  #requeue(commands: PendingCommand[]): void {
    const live = commands.filter((c) => !c.settled);
    for (const cmd of live) cmd.at = AT_WAITING;
    this.#waiting.unshiftAll(live);
  }

  // ---- connecting ----------------------------------------------------------------------------------------------

  /** Connects, retrying per the policy, until ready, a fatal error, give-up, or stop. `delay` before the first try. */
  #runLoop(delay: number): void {
    if (this.#loopRunning) return;
    this.#loopRunning = true;
    void this.#loop(delay).finally(() => {
      this.#loopRunning = false;
    });
  }

  async #loop(delay: number): Promise<void> {
    for (;;) {
      if (delay > 0) await this.#sleep(delay);
      if (this.#stopping !== undefined) return;
      try {
        if (connectChannel.hasSubscribers) {
          await traceConnect(() => this.#connectOnce(), {
            serverAddress: this.#endpoint.path ?? this.#endpoint.host ?? '',
            serverPort: this.#endpoint.path === undefined ? this.#endpoint.port : undefined,
            database: this.#db,
          });
        } else {
          await this.#connectOnce();
        }
      } catch (error) {
        const next = this.#onAttemptFailed(asError(error));
        if (next === false) return;
        delay = next;
        continue;
      }
      if (this.#stopping === undefined) this.#becameReady();
      return;
    }
  }

  /** After a failed attempt: the delay before the next one, or false when the loop stops (fatal, give-up, stop). */
  #onAttemptFailed(cause: Error): number | false {
    this.#dropSocket(cause);
    if (this.#stopping !== undefined) return false;
    this.#emitError(cause);
    if (isFatalConnectError(cause)) {
      this.#giveUp(cause, true);
      return false;
    }
    this.#attempt++;
    const next = this.#options.retry(this.#attempt, cause);
    if (next === false) {
      this.#giveUp(cause, false);
      return false;
    }
    this.#status = 'reconnecting';
    this.emit('reconnecting', { attempt: this.#attempt, delay: next, cause } satisfies ReconnectingEvent);
    return next;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#retryWake = resolve;
      this.#retryTimer = setTimeout(resolve, ms);
    }).then(() => {
      this.#retryTimer = undefined;
      this.#retryWake = undefined;
    });
  }

  async #connectOnce(): Promise<void> {
    this.#status = this.#everReady ? 'reconnecting' : 'connecting';
    const o = this.#options;
    let timer: NodeJS.Timeout | undefined;
    let expired: TimeoutError | undefined;
    const deadline = new Promise<never>((_, reject) => {
      if (o.connectTimeout <= 0) return;
      timer = setTimeout(() => {
        expired = new TimeoutError(
          `Connecting to ${this.#label} timed out after ${o.connectTimeout} ms (connectTimeout, socket + handshake). ` +
            'Check that the server is up and reachable, or raise connectTimeout.',
          'connect',
          o.connectTimeout,
          { endpoint: this.#label },
        );
        this.#socket?.destroy();
        reject(expired);
      }, o.connectTimeout);
    });
    const work = this.#openAndHandshake();
    work.catch(() => undefined);
    try {
      await Promise.race([work, deadline]);
    } catch (error) {
      throw expired ?? error;
    } finally {
      clearTimeout(timer);
    }
  }

  #becameReady(): void {
    this.#status = 'ready';
    this.#everReady = true;
    this.#attempt = 0;
    this.#emitSafely('ready', undefined);
    if (this.#status !== 'ready') return;
    this.#drainWaiting();
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  async #openAndHandshake(): Promise<void> {
    const o = this.#options;
    if (o.resolveEndpoint !== undefined) {
      let endpoint: Endpoint;
      try {
        endpoint = await o.resolveEndpoint();
      } catch (error) {
        throw new ConnectionError(`Could not resolve the endpoint (was ${this.#label}): ${asError(error).message}`, {
          endpoint: this.#label,
          cause: error,
        });
      }
      this.#endpoint = endpoint;
      this.#label = endpointLabel(endpoint);
    } else if (o.tls?.servername !== undefined && this.#endpoint.servername === undefined) {
      this.#endpoint = { ...this.#endpoint, servername: o.tls.servername };
    }
    if (this.#stopping !== undefined) throw new ConnectionError(`Connection to ${this.#label} was closed while connecting.`, { endpoint: this.#label });
    const settings = { tls: o.tls, noDelay: o.noDelay, keepAlive: o.keepAlive };
    this.#lastSocketError = undefined;
    this.#decoder.reset();
    const socket = createSocket(this.#endpoint, settings);
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk));
    socket.on('error', (error: Error) => {
      if (socket === this.#socket) this.#lastSocketError = error;
    });
    socket.on('close', () => this.#onSocketClose(socket));
    await new Promise<void>((resolve, reject) => {
      const fail = (): void => reject(this.#socketOpenError(this.#lastSocketError));
      socket.once(readyEventOf(settings), () => {
        socket.off('close', fail);
        resolve();
      });
      socket.once('close', fail);
    });
    this.#lastActivity = Date.now();
    this.#emitSafely('connect', undefined);
    const result = await performHandshake((batch) => this.#sendInternal(batch), {
      protocol: o.protocol,
      username: o.username,
      password: o.password,
      credentialProvider: o.credentialProvider,
      clientName: o.clientName,
      db: this.#db,
      endpoint: this.#label,
    });
    this.#protocol = result.protocol;
    if (o.afterHandshake !== undefined) {
      await o.afterHandshake((args) => this.#sendInternal([[...args]])[0]!, this.#endpoint);
    }
  }

  #socketOpenError(error: Error | undefined): ConnectionError {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
    if (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|HOSTNAME/.test(code)) {
      return fatalError(new ConnectionError(
        `TLS certificate verification failed for ${this.#label}: ${error?.message}. Pass the server's CA as tls.ca ` +
          '(and tls.servername when connecting by IP or alias); not retrying.',
        { endpoint: this.#label, cause: error },
      ));
    }
    return new ConnectionError(
      `Could not connect to ${this.#label}: ${error?.message ?? 'the socket closed before it was ready'}.`,
      { endpoint: this.#label, cause: error },
    );
  }

  #onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.#socket) return;
    this.#lastActivity = Date.now();
    try {
      this.#decoder.feed(chunk);
    } catch (error) {
      const failure = error instanceof ProtocolError ? error : new ProtocolError(
        `Handling a reply from ${this.#label} failed: ${asError(error).message}`,
        { endpoint: this.#label, cause: error },
      );
      failure.endpoint = this.#label;
      this.#lastSocketError = failure;
      this.#emitError(failure);
      if (this.#status === 'ready') this.#socketLost(failure, false);
      else socket.destroy();
    }
  }

  /** The error an in-flight command gets when its socket is lost. */
  #lostError(cmd: PendingCommand, cause: Error | undefined): ConnectionError | ProtocolError {
    if (cause instanceof ProtocolError) {
      return new ProtocolError(
        `${cmd.name} failed: ${this.#label} sent a malformed reply (${cause.message}); the connection was reset.`,
        { command: cmd.name, endpoint: this.#label, cause },
      );
    }
    if (cause instanceof TimeoutError && cause.kind === 'connect') {
      return new TimeoutError(cause.message, 'connect', cause.timeout, { command: cmd.name, endpoint: this.#label, cause });
    }
    return new ConnectionError(
      `Connection to ${this.#label} was lost before the reply to ${cmd.name} arrived` +
        `${cause !== undefined ? ` (${cause.message})` : ''}. The command may or may not have run; retry it if it is idempotent.`,
      { command: cmd.name, endpoint: this.#label, cause },
    );
  }

  /** Forgets the current socket (if any) and settles what was written on it. */
  #dropSocket(cause: Error | undefined): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#socket = undefined;
    socket.destroy();
    this.#decoder.reset();
    this.#pubsub.clear();
    this.#abandoned = 0;
    this.#checking = false;
    const retry: PendingCommand[] = [];
    for (let cmd = this.#inFlight.shift(); cmd !== undefined; cmd = this.#inFlight.shift()) {
      if (cmd.settled) continue;
      if (cmd.retry && this.#stopping === undefined) retry.push(cmd);
      else cmd.fail(this.#lostError(cmd, cause));
    }
    // Commands of this tick's batch were never written: they wait for the next socket, as do retryable ones.
    const batch = this.#batch;
    this.#batch = [];
    this.#batchArgs = [];
    this.#batchSettled = 0;
    this.#requeue(batch);
    this.#requeue(retry);
    this.#maybeDrained();
  }

  #onSocketClose(socket: Socket): void {
    if (socket === this.#socket) {
      const cause = this.#lastSocketError ?? new ConnectionError(`${this.#label} closed the connection.`, { endpoint: this.#label });
      this.#socketLost(cause, false);
    }
    this.#emitSafely('close', undefined);
    if (this.#endPending && this.#socket === undefined) {
      this.#endPending = false;
      this.emit('end');
    }
  }

  /** The current socket is gone (closed, or dropped by us): settle its commands, then reconnect or finish. */
  #socketLost(cause: Error, immediate: boolean): void {
    const wasReady = this.#status === 'ready';
    this.#dropSocket(cause);
    if (this.#stopping !== undefined) {
      this.#finish(new ConnectionError(`Connection to ${this.#label} was closed.`, { endpoint: this.#label }));
    } else if (wasReady) {
      this.#status = 'reconnecting';
      this.#attempt = 1;
      const delay = immediate ? 0 : this.#options.retry(1, cause);
      this.#emitError(cause);
      if (delay === false) {
        this.#giveUp(cause, false);
        return;
      }
      this.emit('reconnecting', { attempt: 1, delay, cause } satisfies ReconnectingEvent);
      this.#runLoop(delay);
    }
    // Otherwise a connect attempt is running: its handshake fails and the loop decides.
  }

  #giveUp(cause: Error, fatal: boolean): void {
    const error = fatal ? cause : new ConnectionError(
      `Gave up connecting to ${this.#label} after ${this.#attempt} attempt(s): ${cause.message}`,
      { endpoint: this.#label, cause },
    );
    this.#stopping = 'destroy';
    this.#finish(error);
  }

  /** Closed for good: fail everything still waiting, reject connect() callers, emit `end`. */
  #finish(error: Error): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryWake?.();
    this.#status = 'closed';
    const forCommand = (cmd: PendingCommand): Error => {
      if (error instanceof ConnectionError && error.constructor === ConnectionError) {
        return new ConnectionError(`${cmd.name} was not sent: ${error.message}`, { command: cmd.name, endpoint: this.#label, cause: error.cause ?? error });
      }
      if (error instanceof RedisError) {
        const copy = Object.create(Object.getPrototypeOf(error) as object) as RedisError;
        Object.assign(copy, error, { command: cmd.name, endpoint: this.#label, message: error.message, stack: error.stack });
        return copy;
      }
      return error;
    };
    for (const cmd of this.#waiting.drain()) cmd.fail(forCommand(cmd));
    this.#waitingSettled = 0;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchArgs = [];
    for (const cmd of batch) cmd.fail(forCommand(cmd));
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w.reject(error);
    if (this.#socket !== undefined) {
      this.#endPending = true;
      this.#dropSocket(error);
    } else {
      process.nextTick(() => this.emit('end'));
    }
  }

  #maybeDrained(): void {
    if (this.#drainWaiter !== undefined && this.#inFlight.length === 0 && this.#batch.length === 0) {
      const wake = this.#drainWaiter;
      this.#drainWaiter = undefined;
      wake();
    }
  }

  // ---- closing -------------------------------------------------------------------------------------------------

  /**
   * Graceful close: no new commands; waits for in-flight replies up to `timeout` ms (default 5000; those still due
   * then fail with TimeoutError 'disconnect'), sends QUIT, closes the socket. Does not reconnect afterwards.
   * Commands still waiting for a connection fail with ConnectionError.
   */
  async disconnect(options: { timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? DEFAULT_DISCONNECT_TIMEOUT;
    if (this.#status === 'closed' || this.#status === 'idle') {
      this.#stopping = 'graceful';
      if (this.#status === 'idle') {
        this.#status = 'closed';
        process.nextTick(() => this.emit('end'));
      }
      return;
    }
    if (this.#status === 'closing') return new Promise((resolve) => this.once('end', () => resolve()));
    const ready = this.#status === 'ready';
    this.#stopping = 'graceful';
    this.#status = 'closing';
    const ended = new Promise<void>((resolve) => this.once('end', () => resolve()));
    if (!ready || this.#socket === undefined) {
      this.#finish(new ConnectionError(`disconnect() was called before ${this.#label} was ready; the command was not sent.`, { endpoint: this.#label }));
      return ended;
    }
    const waitingError = new ConnectionError(`disconnect() was called before the connection to ${this.#label} was ready.`, { endpoint: this.#label });
    for (const cmd of this.#waiting.drain()) cmd.fail(new ConnectionError(`${cmd.name} was not sent: ${waitingError.message}`, { command: cmd.name, endpoint: this.#label }));
    this.#flush();
    if (this.#inFlight.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#drainWaiter = resolve;
        if (timeout > 0) timer = setTimeout(resolve, timeout);
      });
      clearTimeout(timer);
      this.#drainWaiter = undefined;
      for (let cmd = this.#inFlight.shift(); cmd !== undefined; cmd = this.#inFlight.shift()) {
        cmd.fail(new TimeoutError(
          `${cmd.name} to ${this.#label} got no reply within disconnect()'s ${timeout} ms deadline.`,
          'disconnect',
          timeout,
          { command: cmd.name, endpoint: this.#label },
        ));
      }
    }
    const socket = this.#socket;
    if (socket !== undefined) {
      const [quit] = this.#sendInternal([['QUIT']], Math.min(timeout > 0 ? timeout : 1000, 1000));
      await quit!.catch(() => undefined);
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 1000);
      await ended;
      clearTimeout(timer);
    } else {
      await ended;
    }
  }

  /** Closes now: everything in flight or queued fails with `error` (default ConnectionError); no reconnect. */
  destroy(error?: Error): void {
    if (this.#status === 'closed' && this.#socket === undefined) return;
    this.#stopping = 'destroy';
    const cause = error ?? new ConnectionError(`Connection to ${this.#label} was destroyed.`, { endpoint: this.#label });
    this.#lastSocketError = cause;
    this.#finish(cause);
  }

  /**
   * Drops the socket now and reconnects at once (re-resolving the endpoint), keeping queued commands. In-flight
   * commands fail with ConnectionError unless they opted into `retryOnReconnect`.
   */
  reconnect(cause?: Error): void {
    if (this.#stopping !== undefined || this.#status === 'closed' || this.#status === 'closing') return;
    const reason = cause ?? new ConnectionError(`Reconnect of ${this.#label} requested.`, { endpoint: this.#label });
    if (this.#socket !== undefined && this.#status === 'ready') {
      this.#socketLost(reason, true);
      return;
    }
    if (this.#socket !== undefined) {
      // A connect attempt is running: fail it; the loop retries per the policy.
      this.#lastSocketError = reason;
      this.#socket.destroy();
      return;
    }
    // Waiting between attempts: try now.
    if (this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryWake?.();
    } else if (this.#status === 'idle') {
      this.connect().catch(() => undefined);
    }
  }

  [inspect.custom](): string {
    return `Connection { endpoint: '${this.#label}', status: '${this.#status}', db: ${this.#db}, protocol: ${this.#protocol}, ` +
      `inFlight: ${this.inFlight}, queued: ${this.queued} }`;
  }
}
