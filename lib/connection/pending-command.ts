import type { RedisArg } from '../protocol/resp-value.js';

/** Commands the connection must understand (pub/sub bookkeeping, db tracking, QUIT, RESET, HELLO). */
export const KIND_PLAIN = 0;
export const KIND_SUBSCRIBE = 1;
export const KIND_PSUBSCRIBE = 2;
export const KIND_SSUBSCRIBE = 3;
export const KIND_UNSUBSCRIBE = 4;
export const KIND_PUNSUBSCRIBE = 5;
export const KIND_SUNSUBSCRIBE = 6;
export const KIND_SELECT = 7;
export const KIND_QUIT = 8;
export const KIND_RESET = 9;
export const KIND_HELLO = 10;

const SPECIAL: Record<string, number> = {
  SUBSCRIBE: KIND_SUBSCRIBE,
  PSUBSCRIBE: KIND_PSUBSCRIBE,
  SSUBSCRIBE: KIND_SSUBSCRIBE,
  UNSUBSCRIBE: KIND_UNSUBSCRIBE,
  PUNSUBSCRIBE: KIND_PUNSUBSCRIBE,
  SUNSUBSCRIBE: KIND_SUNSUBSCRIBE,
  SELECT: KIND_SELECT,
  QUIT: KIND_QUIT,
  RESET: KIND_RESET,
  HELLO: KIND_HELLO,
};

/** Cheap classification: only names of a special length are upper-cased and looked up. */
export function commandKind(first: RedisArg | undefined): number {
  if (typeof first !== 'string') return Buffer.isBuffer(first) ? commandKind(first.toString('latin1')) : KIND_PLAIN;
  const n = first.length;
  if (n !== 4 && n !== 5 && n !== 6 && (n < 9 || n > 12)) return KIND_PLAIN;
  return SPECIAL[first.toUpperCase()] ?? KIND_PLAIN;
}

export function isPubSubKind(kind: number): boolean {
  return kind >= KIND_SUBSCRIBE && kind <= KIND_SUNSUBSCRIBE;
}

/** Container commands whose subcommand is part of the name in errors (`CLIENT KILL`, `CONFIG SET`, ...). */
const CONTAINERS = new Set([
  'ACL', 'CLIENT', 'CLUSTER', 'COMMAND', 'CONFIG', 'DEBUG', 'FUNCTION', 'LATENCY', 'MEMORY', 'MODULE', 'OBJECT',
  'PUBSUB', 'SCRIPT', 'SLOWLOG', 'XGROUP', 'XINFO',
]);

function word(arg: RedisArg | undefined): string {
  if (typeof arg === 'string') return arg.toUpperCase();
  if (Buffer.isBuffer(arg)) return arg.toString('latin1').toUpperCase();
  return String(arg);
}

/** The command's name for errors and traces (name, or name + subcommand): never argument values. */
export function commandName(args: readonly RedisArg[]): string {
  const name = word(args[0]);
  return CONTAINERS.has(name) && args.length > 1 ? `${name} ${word(args[1])}` : name;
}

/**
 * Receives the replies of a batch sent with `Connection.sendBatch`: one call per command, `index` being its position
 * in the batch, in reply order. Must not throw (it runs inside the decoder's callback).
 */
export interface ReplySink {
  settle(index: number, error: Error | null, value: unknown): void;
}

/** A large `sendBatch` whose commands are created chunk by chunk: `next` is the first one not created yet. */
export interface BatchFeed {
  readonly commands: readonly { readonly args: readonly RedisArg[] }[];
  readonly sink: ReplySink;
  next: number;
}

/** Commands of one batch (or one chunk of a large one) sharing one deadline timer, cleared when the last settles. */
export class CommandGroup {
  timer: NodeJS.Timeout | undefined = undefined;
  left = 0;
  readonly commands: PendingCommand[] = [];
  /** The large batch this chunk belongs to. */
  feed: BatchFeed | undefined = undefined;

  /** One more of the group settled. */
  done(): void {
    if (--this.left === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

/** Where a command is: waiting for a socket, in the next write, or written and awaiting its reply. */
export const AT_WAITING = 0;
export const AT_BATCH = 1;
export const AT_IN_FLIGHT = 2;

/**
 * One command between `sendCommand` and its reply. Fixed shape for V8; the timer and abort listener exist only when
 * the caller asked for a timeout or a signal. `settled` marks a slot whose caller already got an answer (timeout,
 * abort): its late reply is consumed and dropped, so the FIFO never shifts onto the wrong caller.
 */
export class PendingCommand {
  readonly args: readonly RedisArg[];
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
  readonly kind: number;
  buffers = false;
  retry = false;
  /** The server may hold the reply until data arrives (BLPOP, XREAD BLOCK ...): disconnect() does not wait for it. */
  blocking = false;
  settled = false;
  /** Its bytes were handed to a socket (sticky: stays true if it is re-queued after a reconnect). */
  written = false;
  /** Date.now() of its (last) write. */
  writtenAt = 0;
  at = AT_WAITING;
  /** Pub/sub confirmations still expected; -1 = argless unsubscribe (until that family is empty). */
  remaining = 0;
  timer: NodeJS.Timeout | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Batch commands report to a sink (no promise per command); `index` is their position in the batch. */
  sink: ReplySink | undefined = undefined;
  index = 0;
  /** Set when the command shares its batch's deadline timer. */
  group: CommandGroup | undefined = undefined;

  constructor(args: readonly RedisArg[], resolve: (value: never) => void, reject: (error: Error) => void) {
    this.args = args;
    this.resolve = resolve;
    this.reject = reject;
    this.kind = commandKind(args[0]);
    if (this.kind !== KIND_PLAIN && isPubSubKind(this.kind)) this.remaining = args.length > 1 ? args.length - 1 : -1;
  }

  get name(): string {
    return commandName(this.args);
  }

  #cleanup(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.timer = undefined;
    this.onAbort = undefined;
    this.signal = undefined;
  }

  fulfil(value: unknown): void {
    if (this.settled) return;
    if (this.timer !== undefined || this.onAbort !== undefined) this.#cleanup();
    else this.settled = true;
    if (this.group !== undefined) this.group.done();
    const sink = this.sink;
    if (sink === undefined) this.resolve(value as never);
    else sink.settle(this.index, null, value);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.#cleanup();
    if (this.group !== undefined) this.group.done();
    const sink = this.sink;
    if (sink === undefined) this.reject(error);
    else sink.settle(this.index, error, null);
  }
}
