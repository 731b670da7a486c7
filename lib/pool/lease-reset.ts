import type { AfterHandshakeHook, ConnectionOptions, Endpoint } from '../connection/connection-options.js';
import { performHandshake } from '../connection/connection-handshake.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import type { LeaseState } from './lease-state.js';
import type { PoolConnection } from './pool-connection.js';
import { healthCheckTimeout } from '../connection/connection-defaults.js';

/** What a reset puts back: the pool's own handshake settings. */
export interface RestoreSettings {
  protocol: 2 | 3;
  username: string | undefined;
  password: string | undefined;
  credentialProvider: ConnectionOptions['credentialProvider'];
  clientName: string | undefined;
  db: number;
  afterHandshake: AfterHandshakeHook | undefined;
  /** ms per command of the reset. */
  timeout: number;
}

export function restoreSettingsOf(options: ConnectionOptions, db: number): RestoreSettings {
  return {
    protocol: options.protocol ?? 3,
    username: options.username,
    password: options.password,
    credentialProvider: options.credentialProvider,
    clientName: options.clientName,
    db,
    afterHandshake: options.afterHandshake,
    timeout: healthCheckTimeout(options.connectTimeout),
  };
}

/** `host:port` (or a path) back into an Endpoint, for a hook that never ran on this connection. */
function endpointOf(label: string): Endpoint {
  const at = label.lastIndexOf(':');
  if (label.startsWith('/') || at < 0) return { path: label };
  return { host: label.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(label.slice(at + 1)) };
}

/**
 * Makes a leased connection that was left dirty (open MULTI, WATCHes, another db or client name, CLIENT TRACKING,
 * HELLO/AUTH, subscriptions...) as a new one would be: `RESET` (Redis >= 6.2: discards the transaction, unwatches,
 * unsubscribes, turns tracking off, goes back to RESP2, db 0, default user, no name), then what a reconnect runs:
 * the handshake with the pool's settings (HELLO/AUTH/SETNAME, SELECT) and the `afterHandshake` hook (e.g. the client
 * cache's CLIENT TRACKING ON, a cluster replica's READONLY). Resolves true when the connection is clean; false on
 * any failure (RESET unknown, a timeout, a lost socket): the pool then closes it.
 */
export async function resetLease(conn: PoolConnection, state: LeaseState, settings: RestoreSettings): Promise<boolean> {
  const options = { timeout: settings.timeout };
  const send = (args: readonly RedisArg[]): Promise<RespValue> => state.send<RespValue>(args, options);
  try {
    if ((await send(['RESET'])) !== 'RESET') return false;
    await performHandshake((batch) => batch.map(send), {
      protocol: settings.protocol,
      username: settings.username,
      password: settings.password,
      credentialProvider: settings.credentialProvider,
      clientName: settings.clientName,
      db: settings.db,
      endpoint: conn.endpoint,
    });
    if (settings.afterHandshake !== undefined) {
      await settings.afterHandshake(send, state.handshakeEndpoint ?? endpointOf(conn.endpoint));
    }
  } catch {
    return false;
  }
  state.clear();
  return (
    conn.status === 'ready' && conn.inFlight === 0 && conn.queued === 0 && conn.db === settings.db && conn.subscriptions === 0
  );
}
