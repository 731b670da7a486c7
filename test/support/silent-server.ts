/**
 * A TCP server on loopback that accepts connections and never writes a byte: a blackholed or wedged server (or
 * sentinel). What the client sends is read and dropped, so its close is seen.
 */
import { createServer, type Socket } from 'node:net';

export interface SilentServer {
  readonly port: number;
  /** Sockets accepted so far. */
  readonly sockets: readonly Socket[];
  /** How many of them the client closed. */
  readonly closed: number;
  close(): Promise<void>;
}

export async function startSilentServer(host = '127.0.0.1'): Promise<SilentServer> {
  const sockets: Socket[] = [];
  let closed = 0;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    sockets,
    get closed() {
      return closed;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
