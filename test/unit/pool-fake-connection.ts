import { EventEmitter } from 'node:events';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { ConnectionError } from '../../lib/errors/index.js';
import type { ConnectionStatus, PoolCommandOptions, PoolConnection } from '../../lib/pool/pool-connection.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

/** An in-memory stand-in for Connection: answers PING, records commands, lets a test hold replies. */
export class FakeConnection extends EventEmitter implements PoolConnection {
  static created: FakeConnection[] = [];
  status: ConnectionStatus = 'idle';
  endpoint = '127.0.0.1:1';
  inFlight = 0;
  queued = 0;
  lastActivity = Date.now();
  protocol: 2 | 3 = 3;
  db: number;
  subscriptions = 0;
  sent: string[][] = [];
  failConnect = false;
  /** When set, replies wait until `flush()`. */
  hold = false;
  destroyed = false;
  #held: (() => void)[] = [];

  constructor(readonly options: ConnectionOptions) {
    super();
    this.db = options.db ?? 0;
    FakeConnection.created.push(this);
  }

  async connect(): Promise<void> {
    if (this.failConnect) throw new ConnectionError('connect refused');
    this.status = 'ready';
    this.emit('ready');
  }

  sendCommand<T = RespValue>(args: readonly RedisArg[], _options?: PoolCommandOptions): Promise<T> {
    if (this.status === 'closed') return Promise.reject(new ConnectionError('closed'));
    this.sent.push(args.map(String));
    this.lastActivity = Date.now();
    this.inFlight++;
    return new Promise<T>((resolve) => {
      const answer = (): void => {
        this.inFlight--;
        resolve((String(args[0]).toUpperCase() === 'PING' ? 'PONG' : 'OK') as T);
      };
      if (this.hold) this.#held.push(answer);
      else queueMicrotask(answer);
    });
  }

  flush(): void {
    for (const answer of this.#held.splice(0)) answer();
  }

  async disconnect(): Promise<void> {
    this.status = 'closed';
    this.emit('end');
  }

  destroy(): void {
    this.destroyed = true;
    this.status = 'closed';
    this.emit('close');
    this.emit('end');
  }

  reconnect(): void {
    this.emit('close');
    this.emit('ready');
  }

  /** The socket dropped and came back (like CLIENT KILL followed by an automatic reconnect). */
  bounce(): void {
    this.emit('close');
    this.emit('ready');
  }
}

export const fakeFactory = (options: ConnectionOptions): FakeConnection => new FakeConnection(options);
