/**
 * An in-memory connection for `Sentinel`'s `sentinelConnectionFactory` (and `connectionFactory`): each port's
 * handler answers the commands sent to it, a port without a handler refuses the connection. No server needed.
 */
import { EventEmitter } from 'node:events';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { ConnectionError } from '../../lib/errors/index.js';
import type { PoolConnection } from '../../lib/pool/pool-connection.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

/** Answers one command (its arguments as strings); throw a lib/errors class for an error reply. */
export type FakeHandler = (args: string[]) => RespValue;

export class FakeSentinelConnection extends EventEmitter {
  status: PoolConnection['status'] = 'idle';
  readonly endpoint: string;
  readonly inFlight = 0;
  readonly queued = 0;
  readonly lastActivity = 0;
  readonly protocol = 3 as const;
  readonly db = 0;
  readonly subscriptions = 0;
  reconnects = 0;

  /** `log` gets one `"<port> <command...>"` line per command sent. */
  constructor(
    readonly options: ConnectionOptions,
    readonly handlers: ReadonlyMap<number, FakeHandler>,
    readonly log: string[] = [],
  ) {
    super();
    this.endpoint = `${options.host}:${options.port}`;
  }

  async connect(): Promise<void> {
    if (!this.handlers.has(this.options.port ?? 0)) {
      this.status = 'closed';
      throw new ConnectionError(`connect ECONNREFUSED ${this.endpoint}`);
    }
    this.status = 'ready';
  }

  async sendCommand<T>(args: readonly RedisArg[]): Promise<T> {
    this.log.push(`${this.options.port} ${args.join(' ')}`);
    return this.handlers.get(this.options.port ?? 0)!(args.map(String)) as T;
  }

  async disconnect(): Promise<void> {
    this.status = 'closed';
  }

  destroy(): void {
    this.status = 'closed';
  }

  reconnect(): void {
    this.reconnects += 1;
  }

  /** This fake typed as what the factories return. */
  asPoolConnection(): PoolConnection {
    return this as unknown as PoolConnection;
  }
}
