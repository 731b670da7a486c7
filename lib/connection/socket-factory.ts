import { Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import type { Endpoint } from './connection-options.js';

export interface SocketSettings {
  tls: TlsConnectionOptions | undefined;
  noDelay: boolean;
  keepAlive: number | false;
}

/** `host:port` (IPv6 in brackets) or the unix socket path: what errors and events call the endpoint. */
export function endpointLabel(endpoint: Endpoint): string {
  if (endpoint.path !== undefined) return endpoint.path;
  const host = endpoint.host ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${endpoint.port ?? 6379}`;
}

/**
 * Opens the socket for one endpoint: unix `path`, else TCP `host:port`, wrapped in TLS when `tls` is set.
 * TLS verifies the certificate chain and the hostname by default (`rejectUnauthorized` stays true unless the caller
 * turns it off); SNI/hostname is `endpoint.servername`, else `tls.servername`, else the host (not for IP literals,
 * where SNI is not allowed, though the IP is still checked against the certificate). The caller waits for
 * `connect`/`secureConnect` (see `readyEventOf`) and handles `error`.
 */
export function createSocket(endpoint: Endpoint, settings: SocketSettings): Socket {
  let socket: Socket;
  if (settings.tls !== undefined) {
    const host = endpoint.host ?? '127.0.0.1';
    const servername = endpoint.servername ?? settings.tls.servername ?? (isIP(host) === 0 ? host : undefined);
    const options: TlsConnectionOptions = { ...settings.tls };
    if (endpoint.path !== undefined) options.path = endpoint.path;
    else {
      options.host = host;
      options.port = endpoint.port ?? 6379;
    }
    if (servername !== undefined) options.servername = servername;
    else delete options.servername;
    // Hostname verification uses `host` when there is no servername; IP literals are checked against IP SANs.
    socket = tlsConnect(options);
  } else if (endpoint.path !== undefined) {
    socket = netConnect({ path: endpoint.path });
  } else {
    socket = netConnect({ host: endpoint.host ?? '127.0.0.1', port: endpoint.port ?? 6379 });
  }
  if (endpoint.path === undefined) {
    socket.setNoDelay(settings.noDelay);
    if (settings.keepAlive !== false) socket.setKeepAlive(true, settings.keepAlive);
  }
  return socket;
}

/** The event that means "socket usable": `secureConnect` for TLS, `connect` otherwise. */
export function readyEventOf(settings: SocketSettings): 'secureConnect' | 'connect' {
  return settings.tls !== undefined ? 'secureConnect' : 'connect';
}
