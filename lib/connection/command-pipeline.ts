import type { Socket } from 'node:net';
import { ProtocolError, RedisError } from '../errors/index.js';
import { encodeCommands } from '../protocol/command-encoder.js';
import { RespDecoder } from '../protocol/resp-decoder.js';
import type { DecoderHandlers, RedisArg, RespValue } from '../protocol/resp-value.js';
import { InFlightQueue } from './in-flight-queue.js';
import { AT_BATCH, AT_IN_FLIGHT, isPubSubKind, KIND_PLAIN, type PendingCommand } from './pending-command.js';
import { PubSubTracker, pubSubFrameKind } from './pubsub-tracker.js';

const argsOf = (cmd: PendingCommand): readonly RedisArg[] => cmd.args;

/** What the pipeline needs from its connection. */
export interface PipelineHost {
  /** `host:port` or socket path, for errors. */
  readonly endpoint: string;
  /** A push frame (RESP3 push, RESP2 pub/sub frame in subscriber mode) for the `push` event. */
  onPush(frame: RespValue[]): void;
  /** A SELECT/RESET/HELLO/QUIT command succeeded. */
  onSpecialReply(cmd: PendingCommand, value: RespValue): void;
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
  #batch: PendingCommand[] = [];
  #batchSettled = 0;
  #flushScheduled = false;
  readonly #flushBound = (): void => this.flush();
  #drainWaiter: (() => void) | undefined;
  /** Settled (timed out / aborted) commands whose replies are still due. */
  abandoned = 0;
  /** Socket writes go to; undefined between sockets. */
  socket: Socket | undefined;
  /** Negotiated protocol: RESP2 pub/sub frames arrive as ordinary arrays. */
  protocol: 2 | 3 = 3;
  /** Date.now() of the last write or read. */
  lastActivity = 0;
  readonly pubsub = new PubSubTracker();
  readonly #pushBuffers: boolean;

  constructor(host: PipelineHost, options: { maxBulkLength: number; pushBuffers: boolean }) {
    this.#host = host;
    this.#pushBuffers = options.pushBuffers;
    // The pipeline itself is the decoder's handler object: its callbacks are prototype methods, one function for
    // every connection. Per-connection closures made the decoder's call sites see a new target with every
    // connection created (pools, reconnects, cluster nodes); V8 then deoptimised them over and over and the decoder
    // ran up to 2.5x slower in a long-lived process (bench workload 8).
    this.#decoder = new RespDecoder(this, { maxBulkLength: options.maxBulkLength, pushBuffers: options.pushBuffers });
  }

  /** Written (or in this tick's write) and awaiting a reply. */
  get inFlight(): number {
    return this.#inFlight.length + this.#batch.length - this.#batchSettled;
  }

  get idle(): boolean {
    return this.#inFlight.length === 0 && this.#batch.length === 0;
  }

  /** Adds a command to this tick's write. */
  enqueue(cmd: PendingCommand): void {
    cmd.at = AT_BATCH;
    this.#batch.push(cmd);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flushBound);
    }
  }

  /** Writes the batch collected this tick: one encode, one socket write. */
  flush(): void {
    this.#flushScheduled = false;
    let batch = this.#batch;
    const socket = this.socket;
    if (batch.length === 0 || socket === undefined) return;
    this.#batch = [];
    if (this.#batchSettled > 0) {
      batch = batch.filter((c) => !c.settled);
      this.#batchSettled = 0;
    }
    let bytes: Buffer;
    try {
      bytes = encodeCommands(batch.map(argsOf));
    } catch {
      // Some argument cannot be encoded: fail just those commands (DataError), write the others.
      batch = batch.filter((cmd) => {
        try {
          encodeCommands([cmd.args]);
          return true;
        } catch (error) {
          if (error instanceof RedisError) error.endpoint = this.#host.endpoint;
          cmd.fail(error as Error);
          return false;
        }
      });
      bytes = encodeCommands(batch.map(argsOf));
    }
    this.#write(socket, batch, bytes);
  }

  /** Writes these commands now, in one write, ahead of this tick's batch (handshake, health check, QUIT). */
  writeNow(commands: PendingCommand[]): void {
    const socket = this.socket;
    if (socket === undefined) throw new Error('writeNow without a socket');
    this.#write(socket, commands, encodeCommands(commands.map(argsOf)));
  }

  #write(socket: Socket, batch: PendingCommand[], bytes: Buffer): void {
    if (batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) {
      const cmd = batch[i];
      cmd.at = AT_IN_FLIGHT;
      cmd.written = true;
    }
    this.#inFlight.pushBatch(batch);
    this.lastActivity = Date.now();
    socket.write(bytes);
  }

  /** Decodes a chunk from the socket. Throws ProtocolError on malformed or unexpected data. */
  feed(chunk: Buffer): void {
    this.lastActivity = Date.now();
    this.#decoder.feed(chunk);
  }

  /** Records that a command of this pipeline settled early; returns the number of replies now abandoned. */
  abandon(cmd: PendingCommand): number {
    if (cmd.at === AT_BATCH) this.#batchSettled++;
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
    this.#maybeDrained();
    return { inFlight, unwritten };
  }

  /** Resolves when nothing is in flight (or `ms` passed, if > 0). */
  drained(ms: number): Promise<void> {
    if (this.idle) return Promise.resolve();
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
    if (this.#drainWaiter !== undefined && this.idle) this.#drainWaiter();
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
