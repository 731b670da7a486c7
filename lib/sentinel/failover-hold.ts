import { AbortError, QueueFullError, TimeoutError } from '../errors/index.js';
import type { CommandOptions } from '../connection/connection.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { BatchCommand, PoolConnection, ReplySink } from '../pool/pool-connection.js';
import type { ConnectionFactory } from '../pool/pool-options.js';

export type HoldEndReason = 'switched' | 'aborted' | 'deadline' | 'closed';

export interface FailoverHoldOptions {
  masterName: string;
  /** ms a hold lasts at most (then the commands go to the master we had). */
  timeout: number;
  /** Commands held at most; more fail at once (not sent). */
  maxQueued: number;
  onBegin?: (at: number) => void;
  onEnd?: (info: { reason: HoldEndReason; heldMs: number; released: number }) => void;
}

interface HeldEntry {
  run(): void;
}

type Send = (args: readonly RedisArg[], options?: CommandOptions) => Promise<RespValue>;
type SendBatch = (commands: readonly BatchCommand[], sink: ReplySink) => void;

function commandName(args: readonly RedisArg[]): string {
  return typeof args[0] === 'string' ? args[0].toUpperCase() : 'command';
}

/**
 * Writes held back while Sentinel fails over one master: from the first sign that a failover of it started until
 * the switch (then they go to the new master, whose ROLE every connection checks before writing), an abort, or the
 * hold deadline (then they go to the master we had). Without it, writes the old master acknowledges after the
 * replica's promotion are lost when it is demoted.
 *
 * Installed on each connection of the master pools (`holdingFactory`), so every path is covered: shared commands,
 * pipelines, leases (transactions, blocking commands, pub/sub) and pools built from the pool's options
 * (`duplicate()`). Commands already written complete or fail as before. A held command keeps its own deadline:
 * the time held is taken from its timeout, and when that runs out while held it fails with a TimeoutError saying
 * it was never sent.
 */
export class FailoverHold {
  readonly #options: FailoverHoldOptions;
  #holding = false;
  #since = 0;
  #queue: HeldEntry[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: FailoverHoldOptions) {
    this.#options = options;
  }

  get holding(): boolean {
    return this.#holding;
  }

  /** Commands waiting now. */
  get held(): number {
    return this.#queue.length;
  }

  begin(now = Date.now()): void {
    if (this.#holding) return;
    this.#holding = true;
    this.#since = now;
    this.#timer = setTimeout(() => this.release('deadline'), this.#options.timeout);
    this.#timer.unref();
    this.#options.onBegin?.(now);
  }

  /** Sends everything held, in the order it came. */
  release(reason: HoldEndReason): void {
    if (!this.#holding) return;
    this.#holding = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queue = this.#queue;
    this.#queue = [];
    for (const entry of queue) entry.run();
    this.#options.onEnd?.({ reason, heldMs: Date.now() - this.#since, released: queue.length });
  }

  /** Wraps `conn.sendCommand`/`sendBatch` so that commands wait while a hold is on. */
  install(conn: PoolConnection, commandTimeout: number): void {
    const send = conn.sendCommand.bind(conn) as Send;
    conn.sendCommand = (<T>(args: readonly RedisArg[], options?: CommandOptions): Promise<T> =>
      (this.#holding ? this.#hold(send, args, options, commandTimeout, conn) : send(args, options)) as Promise<T>) as PoolConnection['sendCommand'];
    const sendBatch = conn.sendBatch?.bind(conn) as SendBatch | undefined;
    if (sendBatch !== undefined) {
      conn.sendBatch = (commands: readonly BatchCommand[], sink: ReplySink): void => {
        if (this.#holding) this.#holdBatch(sendBatch, commands, sink, commandTimeout, conn);
        else sendBatch(commands, sink);
      };
    }
  }

  #full(name: string, endpoint: string): QueueFullError | undefined {
    if (this.#queue.length < this.#options.maxQueued) return undefined;
    return new QueueFullError(
      `Cannot hold ${name}: ${this.#queue.length} commands already wait for the Sentinel failover of ` +
        `'${this.#options.masterName}' to finish (maxQueued=${this.#options.maxQueued}). The command was not sent; retry it.`,
      'maxQueued',
      { command: name, endpoint, written: false },
    );
  }

  #expired(name: string, timeout: number, endpoint: string): TimeoutError {
    return new TimeoutError(
      `${name} waited ${Date.now() - this.#since} ms for the Sentinel failover of '${this.#options.masterName}' to ` +
        `finish and its timeout (${timeout} ms) passed before it could be sent. It was not sent; retry it.`,
      'command',
      timeout,
      { command: name, endpoint, written: false },
    );
  }

  #hold(send: Send, args: readonly RedisArg[], options: CommandOptions | undefined, commandTimeout: number, conn: PoolConnection): Promise<RespValue> {
    const name = commandName(args);
    const full = this.#full(name, conn.endpoint);
    if (full !== undefined) return Promise.reject(full);
    const signal = options?.signal;
    if (signal?.aborted) return send(args, options); // the connection reports the abort as it always does
    const timeout = options?.timeout ?? commandTimeout;
    const heldAt = Date.now();
    return new Promise<RespValue>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!finish()) return;
        this.#queue = this.#queue.filter((e) => e !== entry);
        reject(new AbortError(`${name} was aborted by its signal while held for the Sentinel failover of '${this.#options.masterName}'; it was not sent.`, {
          command: name,
          endpoint: conn.endpoint,
        }));
      };
      const entry: HeldEntry = {
        run: () => {
          if (!finish()) return;
          const left = timeout > 0 ? Math.max(1, timeout - (Date.now() - heldAt)) : 0;
          send(args, timeout > 0 ? { ...options, timeout: left } : options).then(resolve, reject);
        },
      };
      if (timeout > 0) {
        timer = setTimeout(() => {
          if (!finish()) return;
          this.#queue = this.#queue.filter((e) => e !== entry);
          reject(this.#expired(name, timeout, conn.endpoint));
        }, timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(entry);
    });
  }

  /** A batch waits as one entry; when its shortest deadline passes, none of it was sent, so all of it fails. */
  #holdBatch(sendBatch: SendBatch, commands: readonly BatchCommand[], sink: ReplySink, commandTimeout: number, conn: PoolConnection): void {
    const first = commands[0] === undefined ? 'pipeline' : commandName(commands[0].args);
    const full = this.#full(first, conn.endpoint);
    if (full !== undefined) {
      for (let i = 0; i < commands.length; i++) sink.settle(i, full, null);
      return;
    }
    const heldAt = Date.now();
    let shortest = 0;
    for (const c of commands) {
      const t = c.timeout ?? commandTimeout;
      if (t > 0 && (shortest === 0 || t < shortest)) shortest = t;
    }
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const entry: HeldEntry = {
      run: () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        const elapsed = Date.now() - heldAt;
        if (elapsed === 0) {
          sendBatch(commands, sink);
          return;
        }
        sendBatch(
          commands.map((c) => {
            const t = c.timeout ?? commandTimeout;
            return t > 0 ? { ...c, timeout: Math.max(1, t - elapsed) } : c;
          }),
          sink,
        );
      },
    };
    if (shortest > 0) {
      timer = setTimeout(() => {
        if (done) return;
        done = true;
        this.#queue = this.#queue.filter((e) => e !== entry);
        for (let i = 0; i < commands.length; i++) {
          const c = commands[i]!;
          sink.settle(i, this.#expired(commandName(c.args), c.timeout ?? commandTimeout, conn.endpoint), null);
        }
      }, shortest);
    }
    this.#queue.push(entry);
  }
}

/** A connection factory whose connections wait while `hold` is on (see `FailoverHold`). */
export function holdingFactory(hold: FailoverHold, factory: ConnectionFactory, defaultCommandTimeout: number): ConnectionFactory {
  return (options) => {
    const conn = factory(options);
    hold.install(conn, options.commandTimeout ?? defaultCommandTimeout);
    return conn;
  };
}
