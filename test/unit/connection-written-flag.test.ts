/**
 * `ConnectionError.written`: every command error a connection creates says whether the command's bytes reached a
 * socket (true: it may have run) or not (false: safe to retry anywhere). The cluster retries on exactly that.
 */
import { ConnectionError, TimeoutError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { wasNeverSent } from '../../lib/cluster/cluster-executor.js';
import { defaultHandshake, startFakeRedisServer, type CommandHandler, type FakeRedisServer } from '../support/fake-redis-server.js';

const servers: FakeRedisServer[] = [];
const open: Connection[] = [];
async function fake(handler: CommandHandler): Promise<FakeRedisServer> {
  const server = await startFakeRedisServer(handler, 17160);
  servers.push(server);
  return server;
}
function connection(server: FakeRedisServer, options: ConnectionOptions = {}): Connection {
  const c = new Connection({ host: server.host, port: server.port, lazyConnect: true, protocol: 2, ...options });
  open.push(c);
  return c;
}
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

function failureOf(promise: Promise<unknown>): Promise<ConnectionError> {
  return promise.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ConnectionError);
      return error as ConnectionError;
    },
  );
}

describe('ConnectionError.written', () => {
  it('is true when the socket dies after the command was written', async () => {
    const server = await fake((args, client) => {
      if (!defaultHandshake(args, client)) client.socket.destroy();
    });
    const c = connection(server, { retry: false });
    await c.connect();
    const error = await failureOf(c.sendCommand(['INCR', 'k']));
    expect(error).toMatchObject({ written: true, command: 'INCR' });
    expect(error.message).toMatch(/may or may not have run/);
    expect(wasNeverSent(error)).toBe(false);
  });

  it('is false for commands queued while the server is unreachable when the policy gives up', async () => {
    const server = await fake((_args, client) => client.socket.destroy());
    const c = connection(server, { retry: { attempts: 1, strategy: 'constant', base: 1 } });
    const error = await failureOf(c.sendCommand(['INCR', 'k']));
    expect(error.written).toBe(false);
    expect(wasNeverSent(error)).toBe(true);
  });

  it('is true for a command timeout after the write, false for one that never left the queue', async () => {
    let answerHandshake = true;
    const server = await fake((args, client) => {
      if (answerHandshake) defaultHandshake(args, client);
    });
    const c = connection(server, { retry: false });
    await c.connect();
    const inFlight = await failureOf(c.sendCommand(['INCR', 'k'], { timeout: 20 }));
    expect(inFlight).toBeInstanceOf(TimeoutError);
    expect(inFlight).toMatchObject({ kind: 'command', written: true });

    answerHandshake = false;
    const stalled = connection(server, { retry: false, connectTimeout: 5000 });
    const queued = await failureOf(stalled.sendCommand(['INCR', 'k'], { timeout: 20 }));
    expect(queued).toBeInstanceOf(TimeoutError);
    expect(queued).toMatchObject({ kind: 'command', written: false });
    expect(wasNeverSent(queued)).toBe(true);
  });

  it('is false for commands sent to a closed connection or cut off by disconnect()', async () => {
    const server = await fake((args, client) => {
      if (!defaultHandshake(args, client)) client.write('+OK\r\n');
    });
    const c = connection(server);
    await c.connect();
    await c.disconnect();
    const closed = await failureOf(c.sendCommand(['SET', 'k', 'v']));
    expect(closed.written).toBe(false);

    const d = connection(server);
    const waiting = d.sendCommand(['SET', 'k', 'v']);
    const gone = d.disconnect();
    expect((await failureOf(waiting)).written).toBe(false);
    await gone;
  });

  it('stays true for a retryOnReconnect command that was written once and could not be re-sent', async () => {
    const server = await fake((args, client) => {
      if (server.connections > 1) return client.socket.destroy();
      if (!defaultHandshake(args, client)) client.socket.destroy();
    });
    const c = connection(server, { retry: { attempts: 1, strategy: 'constant', base: 1 } });
    await c.connect();
    const error = await failureOf(c.sendCommand(['INCR', 'k'], { retryOnReconnect: true }));
    expect(error.written).toBe(true);
    expect(error.message).toMatch(/may or may not have run/);
    expect(wasNeverSent(error)).toBe(false);
  });
});
