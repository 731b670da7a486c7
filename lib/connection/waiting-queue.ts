import { QueueFullError } from '../errors/index.js';
import type { CommandPipeline } from './command-pipeline.js';
import { CommandQueue } from './command-queue.js';
import { AT_WAITING, type PendingCommand } from './pending-command.js';

/**
 * The commands of a Connection waiting for it to be ready (connecting, reconnecting, health check running), in send
 * order. A command settled while waiting (timeout, abort) stays in the queue, counted in `#settled`, and is skipped
 * when the queue drains into the pipeline.
 */
export class WaitingQueue {
  readonly #queue = new CommandQueue<PendingCommand>();
  #settled = 0;
  readonly #maxQueued: number;

  constructor(maxQueued: number) {
    this.#maxQueued = maxQueued;
  }

  /** Commands still waiting (settled ones excluded). */
  get length(): number {
    return this.#queue.length - this.#settled;
  }

  /** Queues `cmd`, or fails it (returning false) when `maxQueued` commands wait already. */
  add(cmd: PendingCommand, endpoint: string, idle: boolean): boolean {
    if (this.length >= this.#maxQueued) {
      cmd.fail(new QueueFullError(
        `Cannot queue ${cmd.name}: ${this.length} commands already wait for ${endpoint} to be ${idle ? 'connected' : 'ready'} (maxQueued=${this.#maxQueued}). The command was not sent; retry once the connection is back, or raise maxQueued.`,
        'maxQueued',
        { command: cmd.name, endpoint, written: cmd.written },
      ));
      return false;
    }
    cmd.at = AT_WAITING;
    this.#queue.push(cmd);
    return true;
  }

  /** A waiting command settled early (timeout, abort). */
  settledOne(): void {
    this.#settled++;
  }

  /** Puts commands back in front, in order (those of a lost socket: re-sent first when the next one is ready). */
  requeue(commands: readonly PendingCommand[]): void {
    for (const cmd of commands) cmd.at = AT_WAITING;
    this.#queue.unshiftAll(commands);
  }

  /** Moves the live commands into the pipeline's next write. */
  drainInto(pipeline: CommandPipeline): void {
    for (let cmd = this.#queue.shift(); cmd !== undefined; cmd = this.#queue.shift()) {
      if (!cmd.settled) pipeline.enqueue(cmd);
    }
    this.#settled = 0;
  }

  /** Empties the queue, failing each command with `errorFor(cmd)` (settled ones ignore it). */
  failAll(errorFor: (cmd: PendingCommand) => Error): void {
    for (const cmd of this.#queue.drain()) cmd.fail(errorFor(cmd));
    this.#settled = 0;
  }
}
