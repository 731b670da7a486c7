import type { EventEmitter } from 'node:events';
import type { BatchCommand, CommandOptions, ConnectionStatus } from '../connection/connection.js';
import type { ReplySink } from '../connection/pending-command.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';

export type { BatchCommand, ConnectionStatus, ReplySink };

/** Per-command options of a pooled connection: the connection's own (one definition, documented there). */
export type PoolCommandOptions = CommandOptions;

/**
 * What the pool needs from a connection: the `Connection` contract of docs/CONTRACTS.md, written structurally so
 * tests and topologies can hand the pool their own (`connectionFactory`).
 */
export interface PoolConnection extends EventEmitter {
  readonly status: ConnectionStatus;
  /** host:port or socket path, never credentials. */
  readonly endpoint: string;
  /** Written, awaiting a reply. */
  readonly inFlight: number;
  /**
   * The oldest command in flight is a blocking one (BLPOP, XREAD BLOCK ...) still waiting for data, and nothing else
   * waits to be written: a graceful close does not wait for it. Optional for custom connections.
   */
  readonly blockedOnly?: boolean;
  /** Waiting to be written (e.g. while reconnecting). */
  readonly queued: number;
  /** Date.now() of the last write or reply. */
  readonly lastActivity: number;
  readonly protocol: 2 | 3;
  /** The db currently selected (tracks SELECT). */
  readonly db: number;
  /** Channels + patterns + shard channels subscribed on this socket. */
  readonly subscriptions: number;
  connect(): Promise<void>;
  sendCommand<T = RespValue>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T>;
  /**
   * Optional fast path for pipelines: the commands back to back, each reply reported to `sink` by index, no
   * promise per command (see `Connection.sendBatch`). Without it, pipelines use `sendCommand` per command.
   */
  sendBatch?(commands: readonly BatchCommand[], sink: ReplySink): void;
  disconnect(options?: { timeout?: number }): Promise<void>;
  destroy(error?: Error): void;
  reconnect(cause?: Error): void;
}
