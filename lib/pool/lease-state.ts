import type { Endpoint } from '../connection/connection-options.js';
import type { RedisArg } from '../protocol/resp-value.js';
import {
  LEASE_DIRTY,
  LEASE_END_TX,
  LEASE_MULTI,
  LEASE_NONE,
  LEASE_POISON,
  LEASE_UNWATCH,
  LEASE_WATCH,
  leaseEffectOf,
} from './connection-state-commands.js';
import type { BatchCommand, PoolConnection, ReplySink } from './pool-connection.js';

/**
 * What the commands sent during a lease left on an exclusive connection, known from the command names alone (see
 * connection-state-commands.ts): an open MULTI, WATCHed keys, state that `RESET` + the handshake restores, or a
 * reply stream that no longer matches the commands. A transaction that ran to EXEC leaves nothing behind.
 */
export class LeaseState {
  multi = false;
  watching = false;
  dirty = false;
  poisoned = false;
  /** The endpoint the connection's `afterHandshake` hook was last given (the reset runs the hook again). */
  handshakeEndpoint: Endpoint | undefined;
  /** The connection's own `sendCommand`, below the tracking: the pool's reset must not mark the lease again. */
  send: PoolConnection['sendCommand'] = () => Promise.reject(new Error('not tracked yet'));

  get needsReset(): boolean {
    return this.dirty || this.multi || this.watching;
  }

  note(args: readonly RedisArg[]): void {
    const effect = leaseEffectOf(args);
    if (effect === LEASE_NONE) return;
    switch (effect) {
      case LEASE_MULTI:
        this.multi = true;
        break;
      case LEASE_END_TX:
        // EXEC/DISCARD without MULTI are errors that leave WATCHes in place.
        if (this.multi) this.multi = this.watching = false;
        break;
      case LEASE_WATCH:
        this.watching = true;
        break;
      case LEASE_UNWATCH:
        // Inside MULTI, UNWATCH is only queued.
        if (!this.multi) this.watching = false;
        break;
      case LEASE_DIRTY:
        this.dirty = true;
        break;
      case LEASE_POISON:
        this.poisoned = true;
        break;
    }
  }

  clear(): void {
    this.multi = this.watching = this.dirty = this.poisoned = false;
  }
}

/**
 * Makes `conn` record in `state` what each command sent on it (one at a time or in a batch) does to its state.
 * Costs one name check per command; ordinary commands are rejected by length and first letter.
 */
export function trackLease(conn: PoolConnection, state: LeaseState): void {
  const send = conn.sendCommand.bind(conn) as PoolConnection['sendCommand'];
  state.send = send;
  conn.sendCommand = ((args: readonly RedisArg[], options) => {
    if (Array.isArray(args)) state.note(args);
    return send(args, options);
  }) as PoolConnection['sendCommand'];
  const sendBatch = conn.sendBatch?.bind(conn);
  if (sendBatch !== undefined) {
    conn.sendBatch = (commands: readonly BatchCommand[], sink: ReplySink): void => {
      for (let i = 0; i < commands.length; i++) {
        const args = commands[i]?.args;
        if (Array.isArray(args)) state.note(args);
      }
      sendBatch(commands, sink);
    };
  }
}
