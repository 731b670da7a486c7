import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import { AuthenticationError, ConnectionError, ConnectionStalledError, DataError, TimeoutError } from '../errors/index.js';
import type { RedisArg, RespMap, RespValue } from '../protocol/resp-value.js';
import { asError } from '../errors/as-error.js';
import { applyCommandOptions, optionsOf, type BatchCommand, type CommandOptions } from './command-options.js';
import { CommandPipeline } from './command-pipeline.js';
import { batchChannel, commandChannel, connectChannel, traceBatch, traceCommand, traceConnect } from './connection-diagnostics.js';
import { abortError, commandTimeoutError, failureFor, lostError } from './connection-failures.js';
import { ConnectLoop } from './connect-loop.js';
import { isFatalConnectError } from './connection-handshake.js';
import type { ConnectionOptions, Endpoint } from './connection-options.js';
import { ConnectionSocket } from './connection-socket.js';
import { DEFAULT_DISCONNECT_TIMEOUT, healthCheckTimeout } from './connection-defaults.js';
import {
  AT_BATCH,
  AT_IN_FLIGHT,
  AT_WAITING,
  KIND_HELLO,
  KIND_QUIT,
  KIND_RESET,
  KIND_SELECT,
  CommandGroup,
  PendingCommand,
  type BatchFeed,
  type ReplySink,
} from './pending-command.js';
import { endpointLabel } from './socket-factory.js';
import { validateConnectionOptions, type NormalizedConnectionOptions } from './validate-connection-options.js';
import { WaitingQueue } from './waiting-queue.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'closing' | 'closed';

export type { BatchCommand, CommandOptions } from './command-options.js';

export interface ReconnectingEvent {
  attempt: number;
  delay: number;
  cause: Error | undefined;
}

/** Timed-out/aborted commands whose replies are still due; beyond this the socket is considered stuck and replaced. */
const MAX_ABANDONED_IN_FLIGHT = 1000;
/** Commands of one sendBatch created at a time; a larger batch is fed to the pipeline chunk by chunk. */
const FEED_CHUNK = 16_384;


type Waiter = { resolve: () => void; reject: (error: Error) => void };

const noop = (): void => undefined;
// Filled synchronously by captureSettlers inside `new Promise(...)` and read right after it.
let capturedResolve: (value: never) => void = noop;
let capturedReject: (error: Error) => void = noop;
function captureSettlers(resolve: (value: never) => void, reject: (error: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * One socket to one Redis endpoint: TCP, TLS or unix socket and the handshake (ConnectionSocket); pipelined commands
 * (see CommandPipeline), and those waiting for the connection (WaitingQueue); per-command timeouts and abort
 * (options: command-options.ts); health check; reconnect with the retry policy (the loop: ConnectLoop).
 * Events: `connect`, `ready`, `error` (only emitted when someone listens), `close`, `reconnecting`, `end`, `push`.
 * Pub/sub subscriptions do not survive a reconnect: listen to `ready` and subscribe again.
 */
export class Connection extends EventEmitter {
  readonly #options: NormalizedConnectionOptions;
  /** Hot-path copies of #options fields. */
  readonly #commandTimeout: number;
  readonly #healthCheckInterval: number;
  readonly #pipeline: CommandPipeline;
  #status: ConnectionStatus = 'idle';
  /** The socket, its handshake and its last error. */
  readonly #link: ConnectionSocket;
  #endpoint: Endpoint;
  #label: string;
  readonly #waiting: WaitingQueue;
  #db: number;
  #attempt = 0;
  #everReady = false;
  #readyWaiters: Waiter[] = [];
  #stopping: 'graceful' | 'destroy' | undefined;
  #endPending = false;
  #checking = false;
  /** The fatal error (failed authentication, TLS verification) that closed the connection; cleared by connect(). */
  #fatal: Error | undefined;
  /** A pending second look by #checkStalled. */
  #stallCheck: NodeJS.Timeout | undefined;
  /** Large sendBatch calls whose commands are still being created chunk by chunk, oldest first. */
  readonly #feeds: BatchFeed[] = [];
  readonly #onAborted = (cmd: PendingCommand, signal: AbortSignal): void => {
    this.#abandon(cmd, abortError(cmd, this.#label, signal));
  };
  readonly #loop: ConnectLoop;

  constructor(options: ConnectionOptions = {}) {
    super();
    this.#options = validateConnectionOptions(options);
    const o = this.#options;
    this.#commandTimeout = o.commandTimeout;
    this.#healthCheckInterval = o.healthCheckInterval;
    this.#db = o.db;
    this.#endpoint = o.path !== undefined ? { path: o.path } : { host: o.host, port: o.port };
    this.#label = endpointLabel(this.#endpoint);
    // The host objects' getters read live fields of this connection.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.#pipeline = new CommandPipeline(
      {
        get endpoint() {
          return self.#label;
        },
        onPush: (frame) => this.#emitSafely('push', frame),
        onSpecialReply: (cmd, value) => this.#afterSpecial(cmd, value),
        onRoom: () => this.#feedMore(),
      },
      {
        maxBulkLength: o.maxBulkLength,
        pushBuffers: o.pushBuffers,
        maxInFlight: o.maxInFlight,
        maxInFlightBytes: o.maxInFlightBytes,
        maxQueued: o.maxQueued,
      },
    );
    this.#pipeline.protocol = o.protocol;
    this.#waiting = new WaitingQueue(o.maxQueued);
    this.#link = new ConnectionSocket(
      {
        get endpoint() {
          return self.#endpoint;
        },
        get label() {
          return self.#label;
        },
        get db() {
          return self.#db;
        },
        get stopping() {
          return self.#stopping !== undefined;
        },
        resolved: (endpoint, label) => {
          this.#endpoint = endpoint;
          this.#label = label;
        },
        opened: () => this.#emitSafely('connect'),
        replyFailed: (socket, failure) => {
          this.#emitError(failure);
          if (this.#status === 'ready') this.#socketLost(failure, false);
          else socket.destroy();
        },
        closed: (socket) => this.#onSocketClose(socket),
        arm: (cmd, timeout) => this.#arm(cmd, timeout),
      },
      o,
      this.#pipeline,
    );
    this.#loop = new ConnectLoop({
      get stopping() {
        return self.#stopping !== undefined;
      },
      attemptOnce: () => this.#attemptOnce(),
      attemptFailed: (cause) => this.#onAttemptFailed(cause),
      connected: () => this.#becameReady(),
    });
    if (!o.lazyConnect) this.connect().catch(() => undefined);
  }

  get status(): ConnectionStatus {
    return this.#status;
  }
  /** `host:port` or the socket path of the current (or last) endpoint; never credentials. */
  get endpoint(): string {
    return this.#label;
  }
  /** Commands written (or in this tick's write) and awaiting a reply. */
  get inFlight(): number {
    return this.#pipeline.inFlight;
  }
  /**
   * The oldest command in flight is a blocking one (sent with `blocking: true`: BLPOP, XREAD BLOCK ...) still waiting
   * for data, and nothing else waits to be written. `disconnect()` does not wait for it.
   */
  get blockedOnly(): boolean {
    return this.#pipeline.blockedOnly;
  }
  /** Bytes written to the socket whose replies have not all arrived (bounded by `maxInFlightBytes`). */
  get inFlightBytes(): number {
    return this.#pipeline.inFlightBytes;
  }
  /** Commands waiting for the connection to be ready. */
  get queued(): number {
    return this.#waiting.length;
  }
  get lastActivity(): number {
    return this.#pipeline.lastActivity;
  }
  get protocol(): 2 | 3 {
    return this.#pipeline.protocol;
  }
  get db(): number {
    return this.#db;
  }
  get subscriptions(): number {
    return this.#pipeline.pubsub.total;
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
      this.#fatal = undefined;
      this.#attempt = 0;
      this.#loop.start(0);
    }
    return promise;
  }

  sendCommand<T = RespValue>(args: readonly RedisArg[], options?: CommandOptions): Promise<T> {
    return this.#sendTraced<T>(args, options);
  }

  // Not through `this.sendCommand`: a pool may wrap an instance's sendCommand (onReplyError), and sendBatch's
  // traced path must not report through that wrapper a second time.
  #sendTraced<T>(args: readonly RedisArg[], options: CommandOptions | undefined): Promise<T> {
    if (commandChannel.hasSubscribers && Array.isArray(args) && args.length > 0) {
      const name = String(args[0]).toUpperCase();
      const port = this.#endpoint.path === undefined ? this.#endpoint.port : undefined;
      const address = this.#endpoint.path ?? this.#endpoint.host ?? '';
      return traceCommand(() => this.#send<T>(args, options), name, args, this.#db, address, port, this);
    }
    return this.#send<T>(args, options);
  }

  #send<T>(args: readonly RedisArg[], options: CommandOptions | undefined): Promise<T> {
    if (!Array.isArray(args) || args.length === 0) {
      return Promise.reject(new DataError('sendCommand needs a non-empty array: the command name, then its arguments.', { endpoint: this.#label }));
    }
    // One shared executor instead of a closure per command (the hot path allocates only the promise and the command).
    const promise = new Promise<T>(captureSettlers);
    const cmd = new PendingCommand(args, capturedResolve, capturedReject);
    capturedResolve = capturedReject = noop; // do not keep the last promise (and its reply) alive
    if (options !== undefined) {
      if (!this.#applyOptions(cmd, options)) return promise;
    } else if (this.#commandTimeout > 0) {
      this.#arm(cmd, this.#commandTimeout);
    }
    this.#route(cmd);
    return promise;
  }

  /**
   * Sends commands back to back (one write when the connection is ready) and reports each reply or error to
   * `sink.settle(index, error, value)`, `index` being the command's position in `commands`. Same semantics as one
   * `sendCommand` per command (timeouts, abort, queueing while reconnecting, typed errors), without a promise per
   * command: commands using the default `commandTimeout` share one timer.
   */
  sendBatch(commands: readonly BatchCommand[], sink: ReplySink): void {
    if (batchChannel.hasSubscribers) {
      // One trace for the whole batch (a pipeline span), reported through a wrapping sink: no promise per command.
      const port = this.#endpoint.path === undefined ? this.#endpoint.port : undefined;
      sink = traceBatch(commands, sink, this.#db, this.#endpoint.path ?? this.#endpoint.host ?? '', port, this);
    } else if (commandChannel.hasSubscribers) {
      // Traced per command, through the traced path.
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i]!;
        this.#sendTraced(c.args, optionsOf(c)).then(
          (value) => sink.settle(i, null, value),
          (error: unknown) => sink.settle(i, asError(error), null),
        );
      }
      return;
    }
    const end = commands.length > FEED_CHUNK ? FEED_CHUNK : commands.length;
    if (end < commands.length) {
      // A large batch is created chunk by chunk as the pipeline makes room (see #feedMore): only about one chunk
      // of PendingCommands and encoded bytes exists at a time, instead of the whole batch.
      const feed: BatchFeed = { commands, sink, next: 0 };
      this.#feeds.push(feed);
      this.#createChunk(feed);
    } else {
      this.#createCommands(commands, sink, 0, end, undefined);
    }
  }

  /** Creates and routes commands[from, to) of a batch; those on the default deadline share one group timer. */
  #createCommands(commands: readonly BatchCommand[], sink: ReplySink, from: number, to: number, feed: BatchFeed | undefined): void {
    const timeout = this.#commandTimeout;
    const group = timeout > 0 ? new CommandGroup() : undefined;
    if (group !== undefined) group.feed = feed;
    for (let i = from; i < to; i++) {
      const c = commands[i]!;
      const args = c.args;
      if (!Array.isArray(args) || args.length === 0) {
        sink.settle(i, new DataError('sendBatch needs a non-empty array per command: the command name, then its arguments.', { endpoint: this.#label }), null);
        continue;
      }
      const cmd = new PendingCommand(args, noop, noop);
      cmd.sink = sink;
      cmd.index = i;
      if (c.signal !== undefined || c.timeout !== undefined) {
        if (!this.#applyOptions(cmd, optionsOf(c))) continue;
      } else {
        if (c.returnBuffers === true) cmd.buffers = true;
        if (group !== undefined) {
          cmd.group = group;
          group.left++;
          group.commands.push(cmd);
        }
      }
      this.#route(cmd);
    }
    if (group !== undefined && group.left > 0) {
      group.timer = setTimeout(() => this.#groupTimedOut(group, timeout), timeout);
    }
  }

  /** The next chunk of a large batch; the feed is dropped once its last command is created. */
  #createChunk(feed: BatchFeed): void {
    const from = feed.next;
    const to = Math.min(feed.commands.length, from + FEED_CHUNK);
    feed.next = to;
    if (to >= feed.commands.length) this.#feeds.splice(this.#feeds.indexOf(feed), 1);
    this.#createCommands(feed.commands, feed.sink, from, to, feed);
  }

  /** The pipeline wrote everything it had and has room: create the next chunk of the oldest large batch. */
  #feedMore(): void {
    const feed = this.#feeds[0];
    if (feed !== undefined && this.#status === 'ready') this.#createChunk(feed);
  }

  /** Fails the commands of a large batch not created yet (the connection closed, or its deadline passed unanswered). */
  #failFeed(feed: BatchFeed, errorFor: (cmd: PendingCommand) => Error): void {
    const at = this.#feeds.indexOf(feed);
    if (at < 0) return;
    this.#feeds.splice(at, 1);
    for (let i = feed.next; i < feed.commands.length; i++) {
      const cmd = new PendingCommand(feed.commands[i]!.args ?? [], noop, noop);
      cmd.sink = feed.sink;
      cmd.index = i;
      cmd.fail(errorFor(cmd));
    }
    feed.next = feed.commands.length;
  }

  /** Into this tick's write when ready (after a health check PING when idle too long), else into the waiting queue. */
  #route(cmd: PendingCommand): void {
    if (this.#status === 'ready' && !this.#checking) {
      if (this.#healthCheckInterval > 0 && this.#needsHealthCheck()) {
        this.#queue(cmd);
        this.#healthCheck();
      } else {
        this.#pipeline.enqueue(cmd);
      }
    } else {
      this.#queue(cmd);
    }
  }

  /** Returns false when the command already settled (aborted signal, bad timeout, malformed options). */
  #applyOptions(cmd: PendingCommand, options: CommandOptions): boolean {
    const timeout = applyCommandOptions(cmd, options, this.#commandTimeout, this.#label, this.#onAborted);
    if (timeout > 0) this.#arm(cmd, timeout);
    return timeout >= 0;
  }

  #arm(cmd: PendingCommand, timeout: number): void {
    cmd.timer = setTimeout(() => {
      cmd.timer = undefined;
      this.#abandon(cmd, commandTimeoutError(cmd, this.#label, timeout));
      this.#checkStalled();
    }, timeout);
  }

  /**
   * A batch's shared deadline passed. On a socket that is still answering, its commands held back by the in-flight
   * bounds (not written yet) and those written less than `timeout` ago get more time: an explicit pipeline larger
   * than the bounds streams out chunk by chunk, and the deadline applies per chunk from its write. The others fail
   * with TimeoutError.
   */
  #groupTimedOut(group: CommandGroup, timeout: number): void {
    group.timer = undefined;
    const answering = this.#status === 'ready' && (this.#commandTimeout === 0 || this.#pipeline.stalledIn(this.#commandTimeout) !== 0);
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const cmd of group.commands) {
      if (cmd.settled) continue;
      if (answering && cmd.at === AT_BATCH) next = Math.min(next, timeout);
      else if (answering && cmd.at === AT_IN_FLIGHT && now - cmd.writtenAt < timeout) next = Math.min(next, cmd.writtenAt + timeout - now);
      else this.#abandon(cmd, commandTimeoutError(cmd, this.#label, timeout));
    }
    if (next !== Number.POSITIVE_INFINITY && group.left > 0) {
      group.timer = setTimeout(() => this.#groupTimedOut(group, timeout), Math.max(1, next));
    } else {
      // Its batch's commands not created yet would meet the same fate: fail them now too.
      if (!answering && group.feed !== undefined) this.#failFeed(group.feed, (cmd) => commandTimeoutError(cmd, this.#label, timeout));
      this.#checkStalled();
    }
  }

  /**
   * After a deadline passed: when the oldest written command was given up and not one byte arrived for
   * `commandTimeout` ms since it was written, the server stopped answering while the socket stayed open (SIGSTOP, a
   * frozen proxy; TCP keep-alive never fires then). Declare the socket dead (`stalled` event), destroy it and
   * reconnect, so later commands do not queue behind it. A shorter per-command timeout does not make the socket
   * count as dead sooner (a slow command ahead is not a dead server); `commandTimeout: 0` turns this off.
   */
  #checkStalled(): void {
    const timeout = this.#commandTimeout;
    if (timeout === 0 || this.#status !== 'ready' || this.#stopping !== undefined) return;
    const wait = this.#pipeline.stalledIn(timeout);
    if (wait < 0) return;
    if (wait > 0) {
      // Silent, but the oldest write is younger than the deadline (it was queued first): look again when it is not.
      if (this.#stallCheck === undefined) {
        this.#stallCheck = setTimeout(() => {
          this.#stallCheck = undefined;
          this.#checkStalled();
        }, wait);
      }
      return;
    }
    const error = new ConnectionStalledError(
      `${this.#label} stopped answering: the oldest command in flight waited ${timeout} ms and not one byte arrived ` +
        'since it was written, while the socket stayed open (a frozen server or proxy). The socket was closed and ' +
        'the connection is reconnecting; commands in flight on it failed (they may or may not have run).',
      timeout,
      { endpoint: this.#label },
    );
    this.#emitSafely('stalled', error);
    this.reconnect(error);
  }

  /** Settles a command early (timeout/abort); a written one keeps its slot so its late reply is consumed and dropped. */
  #abandon(cmd: PendingCommand, error: Error): void {
    if (cmd.settled) return;
    cmd.fail(error);
    if (cmd.at === AT_WAITING) {
      this.#waiting.settledOne();
    } else if (this.#pipeline.abandon(cmd) > MAX_ABANDONED_IN_FLIGHT) {
      this.reconnect(new ConnectionError(
        `${this.#pipeline.abandoned} commands to ${this.#label} timed out or were aborted with their replies still due; replacing the socket.`,
        { endpoint: this.#label, command: cmd.name },
      ));
    }
  }

  #queue(cmd: PendingCommand): void {
    const status = this.#status;
    if (status === 'closed' && this.#fatal !== undefined) {
      cmd.fail(this.#closedByFatal(cmd, this.#fatal));
      return;
    }
    if (status === 'closing' || status === 'closed' || this.#stopping !== undefined) {
      cmd.fail(new ConnectionError(
        `Cannot send ${cmd.name}: the connection to ${this.#label} is ${status === 'closed' ? 'closed' : 'closing'}. Create a new connection (or call connect()).`,
        { command: cmd.name, endpoint: this.#label, written: cmd.written },
      ));
      return;
    }
    if (this.#waiting.add(cmd, this.#label, status === 'idle') && status === 'idle') this.connect().catch(() => undefined);
  }

  /** A command sent after a fatal connect error: why the connection is unusable, and what brings it back. */
  #closedByFatal(cmd: PendingCommand, fatal: Error): ConnectionError {
    const options = { command: cmd.name, endpoint: this.#label, cause: fatal, written: false };
    if (fatal instanceof AuthenticationError) {
      return new AuthenticationError(
        `Cannot send ${cmd.name}: the connection to ${this.#label} stopped after a fatal authentication failure ` +
          `(${fatal.message}). It does not retry the same credentials: fix username/password (or what ` +
          'credentialProvider returns); connect() - or, in a pool or client, the next command - opens a new connection.',
        options,
      );
    }
    return new ConnectionError(
      `Cannot send ${cmd.name}: the connection to ${this.#label} stopped after a fatal error that retrying cannot fix ` +
        `(${fatal.message}). Fix the cause; connect() - or, in a pool or client, the next command - opens a new connection.`,
      options,
    );
  }

  #afterSpecial(cmd: PendingCommand, value: RespValue): void {
    switch (cmd.kind) {
      case KIND_SELECT:
        this.#db = Number(cmd.args[1]);
        break;
      case KIND_RESET:
        this.#db = 0;
        this.#pipeline.protocol = 2;
        this.#pipeline.pubsub.clear();
        break;
      case KIND_HELLO: {
        const proto = (value as RespMap | null)?.proto;
        if (proto === 2 || proto === 3) this.#pipeline.protocol = proto;
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

  #emitSafely(event: string, value?: unknown): void {
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

  // ---- health check: PING first when idle too long; commands wait meanwhile --------------------------------------

  #needsHealthCheck(): boolean {
    return this.#pipeline.idle && Date.now() - this.#pipeline.lastActivity > this.#options.healthCheckInterval;
  }

  #healthCheck(): void {
    this.#checking = true;
    const socket = this.#link.socket;
    const timeout = healthCheckTimeout(this.#options.connectTimeout);
    void this.#link.sendInternal([['PING']], timeout)[0]!.then(
      () => {
        this.#checking = false;
        if (this.#status === 'ready') this.#waiting.drainInto(this.#pipeline);
      },
      (error: unknown) => {
        this.#checking = false;
        if (socket !== this.#link.socket || this.#status !== 'ready') return;
        this.reconnect(new ConnectionError(`Health check PING to ${this.#label} failed: ${asError(error).message}`, {
          command: 'PING',
          endpoint: this.#label,
          cause: error,
        }));
      },
    );
  }

  // ---- connecting ----------------------------------------------------------------------------------------------

  /** One attempt, traced when someone subscribes to `redwire:connect`. */
  #attemptOnce(): Promise<void> {
    if (!connectChannel.hasSubscribers) return this.#connectOnce();
    return traceConnect(() => this.#connectOnce(), {
      serverAddress: this.#endpoint.path ?? this.#endpoint.host ?? '',
      serverPort: this.#endpoint.path === undefined ? this.#endpoint.port : undefined,
      database: this.#db,
    });
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

  #connectOnce(): Promise<void> {
    this.#status = this.#everReady ? 'reconnecting' : 'connecting';
    return this.#link.connectOnce();
  }

  #becameReady(): void {
    this.#status = 'ready';
    this.#everReady = true;
    this.#attempt = 0;
    this.#emitSafely('ready');
    if (this.#status !== 'ready') return;
    this.#waiting.drainInto(this.#pipeline);
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** Forgets the current socket (if any): written commands fail (or wait, if retryable), unwritten ones wait. */
  #dropSocket(cause: Error | undefined): void {
    if (this.#stallCheck !== undefined) {
      clearTimeout(this.#stallCheck);
      this.#stallCheck = undefined;
    }
    if (this.#link.release() === undefined) return;
    this.#checking = false;
    const { inFlight, unwritten } = this.#pipeline.detach();
    const again: PendingCommand[] = [];
    for (const cmd of inFlight) {
      if (cmd.retry && this.#stopping === undefined) again.push(cmd);
      else cmd.fail(lostError(cmd, this.#label, cause));
    }
    again.push(...unwritten);
    this.#waiting.requeue(again);
  }

  #onSocketClose(socket: Socket): void {
    if (socket === this.#link.socket) {
      const cause = this.#link.lastError ?? new ConnectionError(`${this.#label} closed the connection.`, { endpoint: this.#label });
      this.#socketLost(cause, false);
    }
    this.#emitSafely('close');
    if (this.#endPending && this.#link.socket === undefined) {
      this.#endPending = false;
      this.emit('end');
    }
  }

  /** The current socket is gone (closed, or dropped by us): settle its commands, then reconnect or finish. */
  #socketLost(cause: Error, immediate: boolean): void {
    const wasReady = this.#status === 'ready';
    // Not 'ready' while its in-flight commands fail: a batch sink that sends from inside settle() must queue the
    // command for the next socket (or the final failure), not into the write of the socket being dropped.
    if (wasReady && this.#stopping === undefined) this.#status = 'reconnecting';
    this.#dropSocket(cause);
    if (this.#stopping !== undefined) {
      this.#finish(new ConnectionError(`Connection to ${this.#label} was closed.`, { endpoint: this.#label }));
    } else if (wasReady) {
      this.#attempt = 1;
      const delay = immediate ? 0 : this.#options.retry(1, cause);
      this.#emitError(cause);
      if (delay === false) {
        this.#giveUp(cause, false);
        return;
      }
      this.emit('reconnecting', { attempt: 1, delay, cause } satisfies ReconnectingEvent);
      this.#loop.start(delay);
    }
    // Otherwise a connect attempt is running: its handshake fails and the loop decides.
  }

  #giveUp(cause: Error, fatal: boolean): void {
    const message = `Gave up connecting to ${this.#label} after ${this.#attempt} attempt(s): ${cause.message}`;
    const error = fatal
      ? cause
      : cause instanceof TimeoutError
        ? new TimeoutError(message, cause.kind, cause.timeout, { endpoint: this.#label, cause })
        : new ConnectionError(message, { endpoint: this.#label, cause });
    this.#stopping = 'destroy';
    if (fatal) this.#fatal = cause;
    this.#finish(error);
  }

  /** Closed for good: fail everything still waiting, reject connect() callers, emit `end`. */
  #finish(error: Error): void {
    this.#loop.wake();
    this.#status = 'closed';
    if (this.#link.socket !== undefined) {
      this.#endPending = true;
      this.#dropSocket(error);
    } else {
      process.nextTick(() => this.emit('end'));
    }
    this.#waiting.failAll((cmd) => failureFor(cmd, this.#label, error));
    for (const feed of [...this.#feeds]) this.#failFeed(feed, (cmd) => failureFor(cmd, this.#label, error));
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w.reject(error);
  }

  // ---- closing -------------------------------------------------------------------------------------------------

  /**
   * Graceful close: no new commands; waits for in-flight replies up to `timeout` ms (default 5000; those still due
   * then fail with TimeoutError 'disconnect'), sends QUIT, closes the socket. Does not reconnect afterwards.
   * Commands still waiting for a connection fail with ConnectionError.
   */
  async disconnect(options: { timeout?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? DEFAULT_DISCONNECT_TIMEOUT;
    if (this.#status === 'closed') return;
    if (this.#status === 'idle') {
      this.#stopping = 'graceful';
      this.#status = 'closed';
      process.nextTick(() => this.emit('end'));
      return;
    }
    const ended = new Promise<void>((resolve) => this.once('end', () => resolve()));
    if (this.#status === 'closing') return ended;
    const ready = this.#status === 'ready';
    this.#stopping = 'graceful';
    this.#status = 'closing';
    if (!ready || this.#link.socket === undefined) {
      this.#finish(new ConnectionError(`disconnect() was called before ${this.#label} was ready: the connection is closed and nothing waiting for it was sent.`, { endpoint: this.#label }));
      return ended;
    }
    this.#waiting.failAll((cmd) => failureFor(cmd, this.#label, new ConnectionError('disconnect() was called first.', { endpoint: this.#label })));
    return this.#link.quit(timeout, ended);
  }

  /** Closes now: everything in flight or queued fails with `error` (default ConnectionError); no reconnect. */
  destroy(error?: Error): void {
    if (this.#status === 'closed' && this.#link.socket === undefined) return;
    this.#stopping = 'destroy';
    const cause = error ?? new ConnectionError(`Connection to ${this.#label} was destroyed.`, { endpoint: this.#label });
    this.#link.lastError = cause;
    this.#finish(cause);
  }

  /**
   * Drops the socket now and reconnects at once (re-resolving the endpoint), keeping queued commands. In-flight
   * commands fail with ConnectionError unless they opted into `retryOnReconnect`.
   */
  reconnect(cause?: Error): void {
    if (this.#stopping !== undefined || this.#status === 'closed' || this.#status === 'closing') return;
    const reason = cause ?? new ConnectionError(`Reconnect of ${this.#label} requested.`, { endpoint: this.#label });
    const socket = this.#link.socket;
    if (socket !== undefined && this.#status === 'ready') {
      this.#socketLost(reason, true);
    } else if (socket !== undefined) {
      // A connect attempt is running: fail it; the loop retries per the policy.
      this.#link.lastError = reason;
      socket.destroy();
    } else if (this.#loop.sleeping) {
      // Waiting between attempts: try now.
      this.#loop.wake();
    } else if (this.#status === 'idle') {
      this.connect().catch(() => undefined);
    }
  }

  /** What JSON loggers see: the same summary as `util.inspect`, never options or credentials. */
  toJSON(): { endpoint: string; status: ConnectionStatus; db: number; protocol: 2 | 3; inFlight: number; queued: number } {
    return { endpoint: this.#label, status: this.#status, db: this.#db, protocol: this.protocol, inFlight: this.inFlight, queued: this.queued };
  }

  [inspect.custom](): string {
    return `Connection { endpoint: '${this.#label}', status: '${this.#status}', db: ${this.#db}, protocol: ${this.protocol}, ` +
      `inFlight: ${this.inFlight}, queued: ${this.queued} }`;
  }
}
