/**
 * A scripted loopback server for the hostile-server and secrets suites: every command a client sends (decoded with
 * our own RESP decoder) goes to `onCommand`, which answers with raw bytes — malformed, truncated, dribbled, or
 * nothing at all. Listens on an OS-assigned port (port 0), so suites never collide with anyone's port range.
 * `tls` makes it a TLS server with the given key and certificate.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';

export interface RawPeer {
  socket: Socket;
  /** Every command received, name upper-cased. */
  commands: string[][];
  /** Bytes received in total (a client that sends nothing leaves this at 0). */
  bytesIn: number;
  write(data: string | Buffer): void;
}

export type RawHandler = (args: string[], peer: RawPeer) => void;

export interface RawServer {
  host: string;
  port: number;
  peers: RawPeer[];
  /** Bytes received over every connection. */
  readonly bytesIn: number;
  close(): Promise<void>;
}

export interface RawServerOptions {
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Called when a socket is accepted, before any command. */
  onConnect?: (peer: RawPeer) => void;
}

/** Answers the handshake like a RESP2 server without auth: HELLO unknown, CLIENT/SELECT/AUTH +OK, PING +PONG. */
export function answerHandshake(args: string[], peer: RawPeer): boolean {
  const name = args[0];
  if (name === 'HELLO') peer.write(`-ERR unknown command 'HELLO'\r\n`);
  else if (name === 'CLIENT' || name === 'SELECT' || name === 'AUTH' || name === 'READONLY') peer.write('+OK\r\n');
  else if (name === 'PING') peer.write('+PONG\r\n');
  else return false;
  return true;
}

export async function startRawServer(onCommand: RawHandler, options: RawServerOptions = {}): Promise<RawServer> {
  const peers: RawPeer[] = [];
  const sockets = new Set<Socket>();
  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const peer: RawPeer = {
      socket,
      commands: [],
      bytesIn: 0,
      write: (data) => {
        if (!socket.destroyed && socket.writable) socket.write(data);
      },
    };
    peers.push(peer);
    const decoder = new RespDecoder({
      onReply: (value: RespValue) => {
        const args = Array.isArray(value) ? value.map((v) => String(v)) : [String(value)];
        args[0] = (args[0] ?? '').toUpperCase();
        peer.commands.push(args);
        onCommand(args, peer);
      },
      onErrorReply: () => undefined,
      onPush: () => undefined,
    });
    socket.on('data', (chunk: Buffer) => {
      peer.bytesIn += chunk.length;
      try {
        decoder.feed(chunk);
      } catch {
        socket.destroy();
      }
    });
    options.onConnect?.(peer);
  };
  const server: Server = options.tls !== undefined
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept)
    : createNetServer(accept);
  // TLS handshake failures are the point of some tests; never let them crash the process.
  server.on('tlsClientError', () => undefined);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    peers,
    get bytesIn() {
      return peers.reduce((sum, p) => sum + p.bytesIn, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
