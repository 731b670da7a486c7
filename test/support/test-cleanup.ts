/**
 * Cleanup of what a test opened (clients, connections, scripted servers), run after each test of the file.
 */
import { startFakeServer, type CountingFakeServer } from './fake-redis-server.js';

export type Closer = () => Promise<unknown> | unknown;

/**
 * Registers an `afterEach` that runs every closer handed to the returned `defer` during the test, newest first
 * (a client before the server it talks to). A closer that rejects is ignored: the socket may be gone already.
 * Call once per file, at the top level.
 */
export function cleanupAfterEach(): (close: Closer) => void {
  const closers: Closer[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  });
  return (close) => {
    closers.push(close);
  };
}

/** `startFakeServer`, each server closed through `defer` after the test that started it. */
export function fakeServerPerTest(defer: (close: Closer) => void): typeof startFakeServer {
  return async (...args: Parameters<typeof startFakeServer>): Promise<CountingFakeServer> => {
    const server = await startFakeServer(...args);
    defer(() => server.close());
    return server;
  };
}
