import type { Socket } from 'node:net';
import { DataError, ProtocolError, QueueFullError, RedisError, ResponseError } from '../errors/index.js';
import { encodeForWrite, type EncodedSegments } from '../protocol/command-encoder.js';
import { RespDecoder } from '../protocol/resp-decoder.js';
import type { DecoderHandlers, RedisArg, RespValue } from '../protocol/resp-value.js';
import { InFlightQueue } from './in-flight-queue.js';
import { AT_BATCH, AT_IN_FLIGHT, isPubSubKind, KIND_PLAIN, KIND_SUNSUBSCRIBE, KIND_UNSUBSCRIBE, type PendingCommand } from './pending-command.js';
import { describeBytes } from './describe-bytes.js';
import { PubSubTracker, pubSubFrameKind } from './pubsub-tracker.js';

const argsOf = (cmd: PendingCommand): readonly RedisArg[] => cmd.args;

/** Bytes buffered in the socket (not yet taken by the kernel) beyond which writing pauses until `drain`. */
const WRITE_BUFFER_PAUSE = 4 * 1024 * 1024;
/** Most commands encoded into one write: bounds the overshoot past maxInFlightBytes before sizes are known. */
const MAX_CHUNK = 16_384;

/** Bounds of one pipeline (the connection options of the same names). */
export interface PipelineBounds {
  maxBulkLength: number;
  pushBuffers: boolean;
  /** Commands written and not yet answered. */
  maxInFlight: number;
  /** Bytes written and not yet answered. */
  maxInFlightBytes: number;
  /** Single commands waiting to be written while the in-flight bounds are reached. */
  maxQueued: number;
}

/** What the pipeline needs from its connection. */
export interface PipelineHost {
  /** `host:port` or socket path, for errors. */
  readonly endpoint: string;
  /** A push frame (RESP3 push, RESP2 pub/sub frame in subscriber mode) for the `push` event. */
  onPush(frame: RespValue[]): void;
  /** A SELECT/RESET/HELLO/QUIT command succeeded. */
  onSpecialReply(cmd: PendingCommand, value: RespValue): void;
  /** Everything was written and the bounds have room: a large batch may create its next chunk. */
  onRoom(): void;
}

/**
 * The write/read half of a connection: commands issued in one tick go out in one encode and one socket write, replies
 * are matched FIFO. A command settled early (timeout, abort) keeps its slot (`settled`) so its late reply is consumed
 * and dropped, never handed to the next caller (the lesson of redis-py CVE-2023-28858/28859).
 */
export class CommandPipeline implements DecoderHandlers {
  readonly #host: PipelineHost;
  readonly #decoder: RespDecoder;
  readonly #inFlight = new InFlightQueue<PendingCommand>();
  /** This tick's write, and (while `#held`) the commands waiting for room under the in-flight bounds. */
  #batch: PendingCommand[] = [];
  #batchSettled = 0;
  #flushScheduled = false;
  readonly #flushBound = (): void => this.flush();
  /** The in-flight bounds were reached: `#batch` waits for replies (or `drain`) to make room. */
  #held = false;
  /** Everything was written but the bounds were full: tell the host (onRoom) once replies make room. */
  #roomWanted = false;
  /** The socket buffers more than WRITE_BUFFER_PAUSE: writing waits for its `drain`. */
  #drainPending = false;
  /** Live single commands (no batch sink) in `#batch`: while held, at most `maxQueued` of them wait. */
  #singles = 0;
  /** Average encoded size of a command in the last write, to size the next chunk under the byte bound. */
  #bytesPerCommand = 64;
  #drainWaiter: (() => void) | undefined;
  readonly #bounds: PipelineBounds;
  /** Settled (timed out / aborted) commands whose replies are still due. */
  abandoned = 0;
  /** Socket writes go to; undefined between sockets. */
  socket: Socket | undefined;
  /** Negotiated protocol: RESP2 pub/sub frames arrive as ordinary arrays. */
  protocol: 2 | 3 = 3;
  /** Date.now() of the last write or read. */
  lastActivity = 0;
  /** Date.now() of the last byte read from the socket. */
  lastRead = 0;
  readonly pubsub = new PubSubTracker();
  readonly #pushBuffers: boolean;

  constructor(host: PipelineHost, bounds: PipelineBounds) {
    this.#host = host;
    this.#bounds = bounds;
    this.#pushBuffers = bounds.pushBuffers;
    // The pipeline itself is the decoder's handler object: its callbacks are prototype methods, one function for
    // every connection. Per-connection closures made the decoder's call sites see a new target with every
    // connection created (pools, reconnects, cluster nodes); V8 then deoptimised them over and over and the decoder
    // ran up to 2.5x slower in a long-lived process (bench workload 8).
    this.#decoder = new RespDecoder(this, { maxBulkLength: bounds.maxBulkLength, pushBuffers: bounds.pushBuffers });
  }

  /** Written (or in this tick's write, or waiting for room under the in-flight bounds) and awaiting a reply. */
  get inFlight(): number {
    return this.#inFlight.length + this.#batch.length - this.#batchSettled;
  }

  /** Bytes written to the socket whose replies have not all arrived. */
  get inFlightBytes(): number {
    return this.#inFlight.bytes;
  }

  get idle(): boolean {
    return this.#inFlight.length === 0 && this.#batch.length === 0;
  }

  /** Adds a command to this tick's write. */
  enqueue(cmd: PendingCommand): void {
    cmd.at = AT_BATCH;
    if (cmd.sink === undefined) {
      if (this.#held && this.#singles >= this.#bounds.maxQueued) {
        cmd.fail(this.#queueFull(cmd));
        return;
      }
      this.#singles++;
    }
    this.#batch.push(cmd);
    if (!this.#flushScheduled && !this.#held) {
      this.#flushScheduled = true;
      process.nextTick(this.#flushBound);
    }
  }

  /**
   * Writes the commands collected this tick, in chunks, as far as the bounds allow: at most `maxInFlight` commands
   * and about `maxInFlightBytes` written without a reply, and nothing more while the socket's own buffer is past
   * WRITE_BUFFER_PAUSE. What does not fit waits in order for replies (or the socket's `drain`) to make room; beyond
   * `maxQueued` such waiting single commands fail at once with QueueFullError. Commands of an explicit batch
   * (pipeline) are never refused: the caller holds them already, and they stream out chunk by chunk.
   */
  flush(): void {
    this.#flushScheduled = false;
    const socket = this.socket;
    if (this.#batch.length === 0 || socket === undefined || this.#drainPending) return;
    let batch = this.#batch;
    if (this.#batchSettled > 0) {
      batch = batch.filter((c) => !c.settled);
      this.#batchSettled = 0;
    }
    const b = this.#bounds;
    let start = 0;
    while (start < batch.length && this.#hasRoom()) {
      let n = Math.min(batch.length - start, MAX_CHUNK, b.maxInFlight - this.#inFlight.length);
      const byBytes = Math.max(1, Math.floor((b.maxInFlightBytes - this.#inFlight.bytes) / this.#bytesPerCommand));
      if (n > byBytes) n = byBytes;
      const chunk = start === 0 && n === batch.length ? batch : batch.slice(start, start + n);
      start += this.#writeChunk(socket, chunk);
      if (this.socket !== socket) break;
    }
    this.#batch = start === 0 ? batch : start >= batch.length ? [] : batch.slice(start);
    this.#held = this.#batch.length > 0;
    if (this.#held) {
      if (this.#singles > this.#bounds.maxQueued) this.#refuseBeyondMaxQueued();
    } else if (this.socket === socket) {
      if (this.#hasRoom()) this.#host.onRoom();
      else this.#roomWanted = true;
    }
  }

  /** Under the in-flight bounds, and the socket's buffer is not past WRITE_BUFFER_PAUSE. */
  #hasRoom(): boolean {
    const b = this.#bounds;
    return !this.#drainPending && this.#inFlight.length < b.maxInFlight && this.#inFlight.bytes < b.maxInFlightBytes;
  }

  /**
   * Encodes and writes one chunk; returns how many of its commands were consumed (written, or failed because their
   * arguments cannot be encoded: DataError).
   */
  #writeChunk(socket: Socket, chunk: PendingCommand[]): number {
    let bytes: Buffer | EncodedSegments;
    try {
      bytes = encodeForWrite(chunk.map(argsOf));
    } catch {
      return this.#writeOneByOne(socket, chunk);
    }
    this.#bytesPerCommand = Math.max(1, Math.ceil(byteLengthOf(bytes) / chunk.length));
    this.#write(socket, chunk, bytes);
    return chunk.length;
  }

  /**
   * Cold path: some argument cannot be encoded (a bad type, or the chunk is larger than a Buffer can hold). Each
   * command is encoded alone: those that fail get a DataError, the others are written, in order.
   */
  #writeOneByOne(socket: Socket, chunk: PendingCommand[]): number {
    let i = 0;
    while (i < chunk.length && this.#hasRoom() && this.socket === socket) {
      const cmd = chunk[i++]!;
      let bytes: Buffer | EncodedSegments;
      try {
        bytes = encodeForWrite([cmd.args]);
      } catch (error) {
        if (cmd.sink === undefined) this.#singles--;
        cmd.fail(encodeFailure(cmd, error, this.#host.endpoint));
        continue;
      }
      this.#bytesPerCommand = Math.max(1, byteLengthOf(bytes));
      this.#write(socket, [cmd], bytes);
    }
    return i;
  }

  /** Held with more than `maxQueued` single commands waiting (one tick's burst): the newest are refused. */
  #refuseBeyondMaxQueued(): void {
    const batch = this.#batch;
    for (let i = batch.length - 1; i >= 0 && this.#singles > this.#bounds.maxQueued; i--) {
      const cmd = batch[i]!;
      if (cmd.sink !== undefined || cmd.settled) continue;
      this.#singles--;
      cmd.fail(this.#queueFull(cmd));
    }
    this.#batch = batch.filter((c) => !c.settled);
  }

  #queueFull(cmd: PendingCommand): QueueFullError {
    const b = this.#bounds;
    const endpoint = this.#host.endpoint;
    return new QueueFullError(
      `Cannot queue ${cmd.name}: ${endpoint} is not keeping up. ${this.#inFlight.length} commands ` +
        `(${describeBytes(this.#inFlight.bytes)}) are written without a reply (bounds: maxInFlight=${b.maxInFlight}, ` +
        `maxInFlightBytes=${describeBytes(b.maxInFlightBytes)}) and ${b.maxQueued} more wait to be written ` +
        `(maxQueued=${b.maxQueued}). The command was not sent; retry later, or raise these bounds.`,
      'maxQueued',
      { command: cmd.name, endpoint, written: false },
    );
  }

  /** Writes these commands now, in one write, ahead of this tick's batch (handshake, health check, QUIT). */
  writeNow(commands: PendingCommand[]): void {
    const socket = this.socket;
    if (socket === undefined) throw new Error('writeNow without a socket');
    this.#write(socket, commands, encodeForWrite(commands.map(argsOf)));
  }

  #write(socket: Socket, batch: PendingCommand[], bytes: Buffer | EncodedSegments): void {
    if (batch.length === 0) return;
    const now = Date.now();
    let singles = 0;
    for (let i = 0; i < batch.length; i++) {
      const cmd = batch[i];
      if (cmd.at === AT_BATCH && cmd.sink === undefined) singles++;
      cmd.at = AT_IN_FLIGHT;
      cmd.written = true;
      cmd.writtenAt = now;
    }
    this.#singles -= singles;
    this.#inFlight.pushBatch(batch, byteLengthOf(bytes), now);
    this.lastActivity = now;
    if (Buffer.isBuffer(bytes)) {
      socket.write(bytes);
    } else {
      // Large strings go to the socket as they are (see LARGE_STRING), in one writev with the bytes around them.
      socket.cork();
      for (const segment of bytes.segments) socket.write(segment);
      socket.uncork();
    }
    if (socket.writableLength > WRITE_BUFFER_PAUSE && !this.#drainPending) {
      this.#drainPending = true;
      socket.once('drain', () => {
        if (socket !== this.socket) return;
        this.#drainPending = false;
        this.#roomMade();
      });
    }
  }

  /** Replies or the socket's drain made room: write what is held, or let the host create more. */
  #roomMade(): void {
    if (this.#held) this.#resume();
    else if (this.#roomWanted && !this.#drainPending) {
      this.#roomWanted = false;
      this.#host.onRoom();
    }
  }

  /** Writes what is held, in the next tick (replies of one read coalesce). */
  #resume(): void {
    if (this.#flushScheduled || this.#batch.length === 0) return;
    this.#flushScheduled = true;
    process.nextTick(this.#flushBound);
  }

  /** Decodes a chunk from the socket. Throws ProtocolError on malformed or unexpected data. */
  feed(chunk: Buffer): void {
    this.lastActivity = this.lastRead = Date.now();
    this.#decoder.feed(chunk);
    // Held: write again once half the window is free (one flush per half window, not per read).
    if ((this.#held || this.#roomWanted) && this.#inFlight.length <= this.#bounds.maxInFlight / 2 && this.#inFlight.bytes <= this.#bounds.maxInFlightBytes / 2) {
      this.#roomMade();
    }
  }

  /**
   * How long until the socket counts as stalled: 0 when the oldest written command was given up by its caller
   * (deadline passed, or aborted) and not one byte arrived for `ms` since it was written (the server stopped
   * answering); the ms still to wait when that is so but not for that long yet; -1 otherwise: not silent, nothing in
   * flight, or the oldest command is still waited for (a BLPOP within its block time is silent by design).
   */
  stalledIn(ms: number): number {
    const oldest = this.#inFlight.oldestWriteAt;
    // Strictly after: a reply read in the same millisecond as the write came before it (ms clock).
    if (oldest === 0 || this.lastRead > oldest) return -1;
    const head = this.#inFlight.peek();
    if (head === undefined || !head.settled) return -1;
    return Math.max(0, oldest + ms - Date.now());
  }

  /** Records that a command of this pipeline settled early; returns the number of replies now abandoned. */
  abandon(cmd: PendingCommand): number {
    if (cmd.at === AT_BATCH) {
      this.#batchSettled++;
      if (cmd.sink === undefined) this.#singles--;
    }
    else if (cmd.at === AT_IN_FLIGHT) this.abandoned++;
    return this.abandoned;
  }

  /**
   * The socket is gone: forget its stream state and hand back the live commands (in flight first, then this tick's
   * batch, which was never written), in order.
   */
  detach(): { inFlight: PendingCommand[]; unwritten: PendingCommand[] } {
    this.socket = undefined;
    this.#decoder.reset();
    this.pubsub.clear();
    this.abandoned = 0;
    const inFlight = this.#inFlight.drain().filter((c) => !c.settled);
    const unwritten = this.#batch.filter((c) => !c.settled);
    this.#batch = [];
    this.#batchSettled = 0;
    this.#held = false;
    this.#drainPending = false;
    this.#roomWanted = false;
    this.#singles = 0;
    this.#maybeDrained();
    return { inFlight, unwritten };
  }

  /**
   * The oldest written command is a blocking one (BLPOP, XREAD BLOCK, ...) still waiting and nothing else waits to be
   * written: its reply comes when data arrives, maybe never, and every reply behind it waits for it.
   */
  get blockedOnly(): boolean {
    const head = this.#inFlight.peek();
    return head !== undefined && head.blocking && !head.settled && this.#batch.length === 0;
  }

  /** Resolves when nothing is in flight, or only a blocking command (see `blockedOnly`), or `ms` passed (if > 0). */
  drained(ms: number): Promise<void> {
    if (this.idle || this.blockedOnly) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = ms > 0 ? setTimeout(() => done(), ms) : undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.#drainWaiter = undefined;
        resolve();
      };
      this.#drainWaiter = done;
    });
  }

  #maybeDrained(): void {
    if (this.#drainWaiter !== undefined && (this.idle || this.blockedOnly)) this.#drainWaiter();
  }

  // ---- decoder callbacks (DecoderHandlers; called by the RespDecoder only) ------------------------------------

  /** Bulk strings of the reply starting now decode as Buffers when its command asked for them. */
  wantBuffers(): boolean {
    const head = this.#inFlight.peek();
    if (head !== undefined && head.buffers) return true;
    // RESP2 pub/sub frames are plain arrays: decode them like RESP3 pushes while in subscriber mode.
    return this.#pushBuffers && this.protocol === 2 && this.#inSubscriberMode();
  }

  onReply(value: RespValue): void {
    if (this.protocol === 2 && Array.isArray(value) && this.#inSubscriberMode()) {
      const kind = pubSubFrameKind(value);
      if (kind !== undefined) {
        this.#onPubSubFrame(kind, value);
        return;
      }
    }
    const cmd = this.#inFlight.shift();
    if (cmd === undefined) {
      throw new ProtocolError(`${this.#host.endpoint} sent a reply while no command was waiting for one.`, {
        endpoint: this.#host.endpoint,
      });
    }
    if (cmd.settled) {
      if (this.abandoned > 0) this.abandoned--;
    } else {
      if (cmd.kind !== KIND_PLAIN) this.#host.onSpecialReply(cmd, value);
      cmd.fulfil(value);
    }
    if (this.#drainWaiter !== undefined) this.#maybeDrained();
  }

  /** RESP2: subscribed, or a (un)subscribe awaits its confirmations; arrays may then be pub/sub frames. */
  #inSubscriberMode(): boolean {
    if (this.pubsub.total > 0) return true;
    const head = this.#inFlight.peek();
    return head !== undefined && isPubSubKind(head.kind);
  }

  onErrorReply(error: RedisError): void {
    const cmd = this.#inFlight.shift();
    if (cmd === undefined) {
      throw new ProtocolError(
        `${this.#host.endpoint} sent an error reply while no command was waiting for one: ${error.message}`,
        { endpoint: this.#host.endpoint },
      );
    }
    if (cmd.settled) {
      if (this.abandoned > 0) this.abandoned--;
    } else if (cmd.kind >= KIND_UNSUBSCRIBE && cmd.kind <= KIND_SUNSUBSCRIBE && error instanceof ResponseError && error.prefix === 'NOSUB') {
      // Valkey 8.0 refuses an unsubscribe on a socket subscribed to nothing, which Redis confirms: same result.
      cmd.fulfil(this.pubsub.total);
    } else {
      error.command = cmd.name;
      error.endpoint = this.#host.endpoint;
      cmd.fail(error);
    }
    this.#maybeDrained();
  }

  onPush(value: RespValue[]): void {
    const kind = pubSubFrameKind(value);
    if (kind !== undefined && kind !== 0) this.#onPubSubFrame(kind, value);
    else this.#host.onPush(value);
  }

  /** A pub/sub confirmation or message (RESP3 push, or RESP2 array in subscriber mode). */
  #onPubSubFrame(kind: number, frame: RespValue[]): void {
    if (kind !== 0) {
      this.pubsub.apply(kind, frame);
      // Confirmations answer the command at the head of the FIFO (Redis replies in order); it resolves once every
      // named channel is confirmed, or, argless, once that family is empty.
      const head = this.#inFlight.peek();
      if (head !== undefined && head.kind === kind) {
        const done = head.remaining > 0 ? --head.remaining === 0 : this.pubsub.size(kind) === 0;
        if (done) {
          this.#inFlight.shift();
          if (head.settled) {
            if (this.abandoned > 0) this.abandoned--;
          } else head.fulfil(this.pubsub.total);
        }
      }
    }
    this.#host.onPush(frame);
    this.#maybeDrained();
  }
}

/** A command whose arguments could not be encoded: the encoder's DataError, or one for a too-large write. */
function encodeFailure(cmd: PendingCommand, error: unknown, endpoint: string): Error {
  if (error instanceof RedisError) {
    error.endpoint = endpoint;
    return error;
  }
  return new DataError(
    `Cannot send ${cmd.name}: its arguments could not be encoded into one write (${(error as Error).message}). ` +
      'A single command must fit in a Buffer (about 4 GiB); split the value.',
    { command: cmd.name, endpoint, cause: error },
  );
}

function byteLengthOf(bytes: Buffer | EncodedSegments): number {
  return Buffer.isBuffer(bytes) ? bytes.length : bytes.byteLength;
}
