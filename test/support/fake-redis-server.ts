/**
 * A scripted fake Redis server for what a real server cannot be made to do on demand: stall, send malformed or
 * half-written frames, never answer the handshake. Listens on 127.0.0.1 in the connection tests' private port
 * range (17100-17199). Each received command (decoded with our own RESP decoder) goes to `onCommand`, which
 * answers with raw RESP through `client.write(...)` — or doesn't.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';

/** The end of the connection tests' private port range. */
const LAST_PORT = 17199;

export interface FakeClient {
  socket: Socket;
  /** Sends raw bytes (already RESP-encoded). */
  write(data: string | Buffer): void;
  /** Every command this client sent, upper-cased name first. */
  commands: string[][];
}

export type CommandHandler = (args: string[], client: FakeClient) => void;

export interface FakeRedisServer {
  port: number;
  host: string;
  clients: FakeClient[];
  /** Number of connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Replies like a RESP2-only server with no auth: HELLO is unknown, CLIENT/SELECT/PING answer +OK/+PONG. */
export function defaultHandshake(args: string[], client: FakeClient): boolean {
  const name = args[0];
  if (name === 'HELLO') client.write(`-ERR unknown command 'HELLO'\r\n`);
  else if (name === 'CLIENT' || name === 'SELECT' || name === 'AUTH') client.write('+OK\r\n');
  else if (name === 'PING') client.write('+PONG\r\n');
  else return false;
  return true;
}

/**
 * The scripted server on the first free port from `firstPort` up to 17199 (0: a port the OS picks). A shorthand for
 * `startFakeServer(onCommand, { firstPort })`.
 */
export async function startFakeRedisServer(onCommand: CommandHandler, firstPort = 17150): Promise<FakeRedisServer> {
  return startFakeServer(onCommand, { firstPort });
}

/** A reply for `encodeReply`: bulk string, integer, null bulk, array, simple string or error reply. */
export type FakeReply = string | number | null | readonly FakeReply[] | { readonly simple: string } | { readonly error: string };

/** RESP2 bytes of `reply`, for scripted servers that answer with structured data (CLUSTER SLOTS, ...). */
export function encodeReply(reply: FakeReply): string {
  if (reply === null) return '$-1\r\n';
  if (typeof reply === 'number') return `:${reply}\r\n`;
  if (typeof reply === 'string') return `$${Buffer.byteLength(reply)}\r\n${reply}\r\n`;
  if (Array.isArray(reply)) return `*${reply.length}\r\n${reply.map((r) => encodeReply(r as FakeReply)).join('')}`;
  if ('simple' in reply) return `+${reply.simple}\r\n`;
  return `-${(reply as { error: string }).error}\r\n`;
}

/** A client of `startFakeServer`: also counts the bytes it sent (a client that sends nothing leaves this at 0). */
export interface CountingFakeClient extends FakeClient {
  bytesIn: number;
}

export interface CountingFakeServer extends FakeRedisServer {
  clients: CountingFakeClient[];
  /** Bytes received over every connection. */
  readonly bytesIn: number;
}

export interface FakeServerOptions {
  /** Makes it a TLS server with this key and certificate (handshake failures never crash the test process). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Called when a socket is accepted, before any command. */
  onConnect?: (client: CountingFakeClient) => void;
  /**
   * 0 (the default) lets the OS pick the port; otherwise the first free port from this one up to 17199 (the end of
   * the connection tests' private range).
   */
  firstPort?: number;
}

/**
 * The one scripted server: each decoded command goes to `onCommand`; optional TLS, an accept hook and received byte
 * counts. Bytes that do not decode as RESP close that client's socket (a client under test may send garbage; it must
 * never throw inside the server).
 */
export async function startFakeServer(onCommand: (args: string[], client: CountingFakeClient) => void,
  options: FakeServerOptions = {}): Promise<CountingFakeServer> {
  const clients: CountingFakeClient[] = [];
  const sockets = new Set<Socket>();
  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const client: CountingFakeClient = {
      socket,
      commands: [],
      bytesIn: 0,
      write: (data) => {
        if (!socket.destroyed && socket.writable) socket.write(data);
      },
    };
    clients.push(client);
    const decoder = new RespDecoder({
      onReply: (value: RespValue) => {
        const args = Array.isArray(value) ? value.map((v) => String(v)) : [String(value)];
        args[0] = (args[0] ?? '').toUpperCase();
        client.commands.push(args);
        onCommand(args, client);
      },
      onErrorReply: () => undefined,
      onPush: () => undefined,
    });
    socket.on('data', (chunk: Buffer) => {
      client.bytesIn += chunk.length;
      try {
        decoder.feed(chunk);
      } catch {
        socket.destroy();
      }
    });
    options.onConnect?.(client);
  };
  const server: Server = options.tls !== undefined
    ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, accept)
    : createServer(accept);
  server.on('tlsClientError', () => undefined);
  const port = await listenFrom(server, options.firstPort ?? 0);
  return {
    port,
    host: '127.0.0.1',
    clients,
    get connections() {
      return clients.length;
    },
    get bytesIn() {
      return clients.reduce((sum, c) => sum + c.bytesIn, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Binds `server` to 127.0.0.1 on `firstPort` or the next free one up to LAST_PORT; returns the port bound. */
async function listenFrom(server: Server, firstPort: number): Promise<number> {
  for (let port = firstPort; ; port++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0 || port >= LAST_PORT) throw error;
    }
  }
  server.on('error', () => undefined);
  // With port 0 the OS picks: report the one actually bound.
  const bound = server.address();
  return bound !== null && typeof bound === 'object' ? bound.port : firstPort;
}

const PUBSUB_FAMILIES: Readonly<Record<string, { family: 0 | 1 | 2; subscribe: boolean; reply: string }>> = {
  SUBSCRIBE: { family: 0, subscribe: true, reply: 'subscribe' },
  UNSUBSCRIBE: { family: 0, subscribe: false, reply: 'unsubscribe' },
  PSUBSCRIBE: { family: 1, subscribe: true, reply: 'psubscribe' },
  PUNSUBSCRIBE: { family: 1, subscribe: false, reply: 'punsubscribe' },
  SSUBSCRIBE: { family: 2, subscribe: true, reply: 'ssubscribe' },
  SUNSUBSCRIBE: { family: 2, subscribe: false, reply: 'sunsubscribe' },
};

/**
 * RESP2 pub/sub bookkeeping the way Valkey 8.0 answers it (before valkey-io/valkey#1265 reverted it): each
 * (P|S)SUBSCRIBE name is confirmed with the socket's count; an (P|S)UNSUBSCRIBE on a socket subscribed to nothing is
 * refused with `-NOSUB '<command>' command executed not in subscribed mode`, where Redis confirms it. RESET leaves
 * subscribed mode (+RESET). The returned handler answers those seven commands and returns false for anything else.
 */
export function valkey8PubSub(): (args: string[], client: FakeClient) => boolean {
  const state = new WeakMap<FakeClient, [Set<string>, Set<string>, Set<string>]>();
  return (args, client) => {
    if (args[0] === 'RESET') {
      state.delete(client);
      client.write('+RESET\r\n');
      return true;
    }
    const spec = PUBSUB_FAMILIES[args[0] ?? ''];
    if (spec === undefined) return false;
    let sets = state.get(client);
    if (sets === undefined) state.set(client, (sets = [new Set(), new Set(), new Set()]));
    const total = (): number => sets[0].size + sets[1].size + sets[2].size;
    const set = sets[spec.family];
    const names = args.slice(1);
    if (spec.subscribe) {
      for (const name of names) {
        set.add(name);
        client.write(encodeReply([spec.reply, name, total()]));
      }
      return true;
    }
    if (total() === 0) {
      client.write(`-NOSUB '${spec.reply}' command executed not in subscribed mode\r\n`);
      return true;
    }
    const targets = names.length > 0 ? names : [...set];
    if (targets.length === 0) client.write(encodeReply([spec.reply, null, total()]));
    for (const name of targets) {
      set.delete(name);
      client.write(encodeReply([spec.reply, name, total()]));
    }
    return true;
  };
}
