/**
 * Connection behaviour a real server cannot be made to show on demand: a handshake that never answers, malformed
 * or half-written frames, a server without HELLO, a socket that stalls. Uses test/support/fake-redis-server.ts.
 */
import { BusyLoadingError, ConfigError, ConnectionError, DataError, ProtocolError, TimeoutError } from '../../lib/errors/index.js';
import type { ReconnectingEvent } from '../../lib/connection/connection.js';
import { Connection, type CommandOptions } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { defaultHandshake, startFakeRedisServer, type CommandHandler, type FakeRedisServer } from '../support/fake-redis-server.js';
import { waitUntil } from '../support/wait-until.js';
import { jest } from '@jest/globals';

/** The first `event` of `emitter` (unlike events.once, an 'error' event in between does not reject it). */
const once = <T>(emitter: NodeJS.EventEmitter, event: string): Promise<T> => new Promise((resolve) => emitter.once(event, resolve));

const servers: FakeRedisServer[] = [];
const open: Connection[] = [];
async function fake(handler: CommandHandler): Promise<FakeRedisServer> {
  const server = await startFakeRedisServer(handler);
  servers.push(server);
  return server;
}
function connection(server: FakeRedisServer, options: ConnectionOptions = {}): Connection {
  const c = new Connection({ host: server.host, port: server.port, lazyConnect: true, ...options });
  open.push(c);
  return c;
}
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

describe('Connection against a scripted server', () => {
  it('a handshake that never answers is a TimeoutError (connect), retried per the policy', async () => {
    const server = await fake(() => undefined);
    const c = connection(server, { connectTimeout: 100, retry: { attempts: 1, strategy: 'constant', base: 1 } });
    const failure = await c.connect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ kind: 'connect', timeout: 100 });
    expect((failure as Error).message).toMatch(/connectTimeout/);
    expect(server.connections).toBe(2);
  });

  it('falls back to AUTH + RESP2 when the server does not know HELLO', async () => {
    const server = await fake((args, client) => {
      if (!defaultHandshake(args, client)) client.write('$2\r\nok\r\n');
    });
    const c = connection(server, { password: 'pw', clientName: 'n', db: 1 });
    await c.connect();
    expect(c.protocol).toBe(2);
    expect(await c.sendCommand(['GET', 'k'])).toBe('ok');
    const names = server.clients[0]!.commands.map((a) => a.slice(0, 2).join(' '));
    expect(names).toEqual(['HELLO 3', 'CLIENT SETINFO', 'CLIENT SETINFO', 'SELECT 1', 'PING', 'AUTH pw', 'CLIENT SETNAME', 'SELECT 1', 'PING', 'GET k']);
  });

  it('NOPROTO from HELLO is a ConfigError, not a silent fallback', async () => {
    const server = await fake((args, client) => {
      if (args[0] === 'HELLO') client.write('-NOPROTO sorry, this protocol version is not supported\r\n');
      else client.write('+OK\r\n');
    });
    const c = connection(server);
    const failure = await c.connect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/protocol: 2/);
    expect(server.connections).toBe(1);
  });

  it('replies split at every byte and several replies in one chunk reach the right callers', async () => {
    // Replies go out in order through one chain; the 'split' one a byte per event-loop turn.
    let chain = Promise.resolve();
    const server = await fake((args, client) => {
      if (defaultHandshake(args, client)) return;
      const bytes = Buffer.from(`$${args[1]!.length}\r\n${args[1]}\r\n`);
      chain = chain.then(async () => {
        if (args[1] !== 'split') return client.write(bytes);
        for (let i = 0; i < bytes.length; i++) {
          client.write(bytes.subarray(i, i + 1));
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
    });
    const c = connection(server, { protocol: 2 });
    await c.connect();
    const [a, b, d] = await Promise.all([c.sendCommand(['ECHO', 'split']), c.sendCommand(['ECHO', 'one']), c.sendCommand(['ECHO', 'two'])]);
    expect([a, b, d]).toEqual(['split', 'one', 'two']);
  });

  it('a malformed reply fails in-flight commands with ProtocolError and reconnects', async () => {
    const server = await fake((args, client) => {
      if (defaultHandshake(args, client)) return;
      if (args[0] === 'GET' && server.connections === 1) client.write('?garbage\r\n');
      else client.write('+fine\r\n');
    });
    const c = connection(server, { protocol: 2, retry: { strategy: 'constant', base: 1 } });
    await c.connect();
    const [bad, behind] = await Promise.allSettled([c.sendCommand(['GET', 'k']), c.sendCommand(['PING'])]);
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.any(ProtocolError) });
    expect((bad as PromiseRejectedResult).reason).toMatchObject({ command: 'GET', endpoint: `127.0.0.1:${server.port}` });
    expect(behind).toMatchObject({ status: 'rejected', reason: expect.any(ProtocolError) });
    expect(await c.sendCommand(['GET', 'k'])).toBe('fine');
    expect(server.connections).toBe(2);
  });

  it('a reply nobody asked for is a ProtocolError (the stream is out of sync) and the socket is replaced', async () => {
    const server = await fake((args, client) => {
      if (defaultHandshake(args, client)) return;
      client.write(server.connections === 1 ? '+one\r\n+extra\r\n' : '+one\r\n');
    });
    const c = connection(server, { protocol: 2, retry: { strategy: 'constant', base: 1 } });
    const errors: Error[] = [];
    c.on('error', (e: Error) => errors.push(e));
    await c.connect();
    expect(await c.sendCommand(['GET', 'k'])).toBe('one');
    await waitUntil('the reconnect', () => server.connections === 2 && c.status === 'ready');
    expect(errors.some((e) => e instanceof ProtocolError)).toBe(true);
    expect(await c.sendCommand(['GET', 'k'])).toBe('one');
  });

  it('health check: an idle connection whose server stopped answering is replaced before the command is sent', async () => {
    // The clock is the test's: idleness, the PING deadline and the retry delay pass when the test says so.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      let pingStalled: () => void = () => undefined;
      const stalled = new Promise<void>((resolve) => (pingStalled = resolve));
      const server = await fake((args, client) => {
        if (args[0] === 'PING' && server.connections === 1 && client.commands.some((a) => a[0] === 'GET')) return pingStalled();
        if (!defaultHandshake(args, client)) client.write(`+conn${server.connections}\r\n`);
      });
      const c = connection(server, { protocol: 2, healthCheckInterval: 20, connectTimeout: 200, retry: { strategy: 'constant', base: 1 } });
      await c.connect();
      expect(await c.sendCommand(['GET', 'k'])).toBe('conn1');
      jest.advanceTimersByTime(30); // idle past healthCheckInterval
      const second = c.sendCommand(['GET', 'k']);
      await stalled; // the health-check PING went out first and gets no answer
      const reconnecting = once<ReconnectingEvent>(c, 'reconnecting');
      await jest.advanceTimersByTimeAsync(200); // the PING's deadline (connectTimeout) passes
      await jest.advanceTimersByTimeAsync((await reconnecting).delay);
      expect(await second).toBe('conn2');
      expect(server.clients[0]!.commands.filter((a) => a[0] === 'GET')).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('commands queued while the server is unreachable fail with ConnectionError when the policy gives up', async () => {
    const server = await fake((args, client) => client.socket.destroy());
    const c = connection(server, { retry: { attempts: 2, strategy: 'constant', base: 1 } });
    const failure = await c.sendCommand(['SET', 'k', 'v']).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ command: 'SET' });
    expect((failure as Error).message).toMatch(/after 3 attempt/);
    expect(server.connections).toBe(3);
  });

  it('disconnect() past its deadline fails what is still due with TimeoutError (disconnect) and closes', async () => {
    const server = await fake((args, client) => {
      if (!defaultHandshake(args, client) && args[0] !== 'BLPOP') client.write('+OK\r\n');
    });
    const c = connection(server, { protocol: 2 });
    await c.connect();
    const stuck = c.sendCommand(['BLPOP', 'k', 0]).then(() => undefined, (e: unknown) => e);
    const ended = new Promise((resolve) => c.once('end', resolve));
    await c.disconnect({ timeout: 50 });
    const failure = await stuck;
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ kind: 'disconnect', command: 'BLPOP' });
    await ended;
    expect(c.status).toBe('closed');
  });

  it('too many abandoned replies mean a stuck socket: it is replaced', async () => {
    const server = await fake((args, client) => {
      if (defaultHandshake(args, client)) return;
      if (server.connections > 1) client.write('+late-free\r\n');
    });
    const c = connection(server, { protocol: 2, retry: { strategy: 'constant', base: 1 } });
    await c.connect();
    const timeouts = await Promise.allSettled(Array.from({ length: 1001 }, () => c.sendCommand(['GET', 'k'], { timeout: 5 })));
    expect(timeouts.every((r) => r.status === 'rejected' && r.reason instanceof TimeoutError)).toBe(true);
    await waitUntil('the socket to be replaced', () => server.connections === 2 && c.status === 'ready');
    expect(await c.sendCommand(['GET', 'k'])).toBe('late-free');
  });

  it('connect() after the policy gave up starts over', async () => {
    let accept = false;
    const server = await fake((args, client) => {
      if (!accept) return client.socket.destroy();
      if (!defaultHandshake(args, client)) client.write('+back\r\n');
    });
    const c = connection(server, { protocol: 2, retry: false });
    await expect(c.connect()).rejects.toBeInstanceOf(ConnectionError);
    expect(c.status).toBe('closed');
    accept = true;
    await c.connect();
    expect(await c.sendCommand(['GET', 'k'])).toBe('back');
  });

  it('malformed per-command options (from untyped callers) reject with DataError instead of throwing', async () => {
    const server = await fake((args, client) => {
      if (!defaultHandshake(args, client)) client.write('+fine\r\n');
    });
    const c = connection(server, { protocol: 2 });
    await c.connect();
    for (const bad of [null, { signal: {} }] as unknown as CommandOptions[]) {
      let sent: Promise<unknown> | undefined;
      expect(() => (sent = c.sendCommand(['GET', 'k'], bad))).not.toThrow();
      await expect(sent).rejects.toBeInstanceOf(DataError);
    }
    expect(await c.sendCommand(['GET', 'k'])).toBe('fine');
  });

  it('an attempt abandoned at connectTimeout never writes its late handshake to the next socket', async () => {
    // connectTimeout passes when the test advances the clock, not while a slow machine runs the second handshake.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const server = await fake((args, client) => {
        if (!defaultHandshake(args, client)) client.write('+fresh\r\n');
      });
      let calls = 0;
      let releaseFirst: (value: { password: string }) => void = () => undefined;
      let firstAsked: () => void = () => undefined;
      const asked = new Promise<void>((resolve) => (firstAsked = resolve));
      const c = connection(server, {
        connectTimeout: 100,
        retry: { strategy: 'constant', base: 1 },
        credentialProvider: () => {
          calls++;
          if (calls === 1) {
            firstAsked();
            return new Promise((resolve) => (releaseFirst = resolve));
          }
          return { password: 'current' };
        },
      });
      const connected = c.connect().then(() => undefined, (e: unknown) => e);
      await asked; // the first attempt waits for its credentials
      const reconnecting = once<ReconnectingEvent>(c, 'reconnecting');
      await jest.advanceTimersByTimeAsync(100); // its connectTimeout passes: abandoned
      await jest.advanceTimersByTimeAsync((await reconnecting).delay);
      expect(await connected).toBeUndefined();
      releaseFirst({ password: 'stale' });
      expect(await c.sendCommand(['GET', 'k'])).toBe('fresh');
      // Credentials travel in HELLO (RESP3) or AUTH (RESP2): look for the password in any command.
      const sent = server.clients.flatMap((client) => client.commands);
      expect(sent.filter((a) => a.includes('stale'))).toEqual([]);
      expect(sent.some((a) => a.includes('current'))).toBe(true);
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('-LOADING after a restart: the handshake PING holds commands back until the dataset is loaded', async () => {
    // HELLO/CLIENT/SELECT are accepted while loading; PING (like every data command) gets -LOADING.
    const loading = '-LOADING Redis is loading the dataset in memory\r\n';
    const server = await fake((args, client) => {
      if (args[0] === 'PING' && server.connections <= 3) return client.write(loading);
      if (args[0] === 'HELLO') return client.write('%1\r\n+proto\r\n:3\r\n');
      if (defaultHandshake(args, client)) return;
      client.write(server.connections <= 3 ? loading : '+value\r\n');
    });
    const c = connection(server, { retry: { attempts: 10, strategy: 'constant', base: 5 } });
    const causes: unknown[] = [];
    c.on('error', () => undefined);
    c.on('reconnecting', (event: ReconnectingEvent) => causes.push(event.cause));
    const reply = c.sendCommand(['GET', 'k']);
    expect(await reply).toBe('value');
    expect(server.connections).toBe(4);
    expect(causes).toHaveLength(3);
    for (const cause of causes) expect(cause).toBeInstanceOf(BusyLoadingError);
    expect((causes[0] as Error).message).toMatch(/still loading its dataset/);
    // The handshake stayed one write: HELLO, SETINFO x2, PING together.
    expect(server.clients[0]!.commands.map((a) => a[0])).toEqual(['HELLO', 'CLIENT', 'CLIENT', 'PING']);
  });

  it('-LOADING that outlasts the retry policy fails queued commands with the policy\'s give-up error', async () => {
    const server = await fake((args, client) => {
      if (args[0] === 'PING') return client.write('-LOADING Redis is loading the dataset in memory\r\n');
      if (!defaultHandshake(args, client)) client.write('+value\r\n');
    });
    const c = connection(server, { protocol: 2, retry: { attempts: 2, strategy: 'constant', base: 5 } });
    c.on('error', () => undefined);
    const failure = await c.sendCommand(['GET', 'k']).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect((failure as Error).message).toMatch(/Gave up connecting .* loading its dataset/);
    expect(server.connections).toBe(3);
    expect(server.clients.every((cl) => !cl.commands.some((a) => a[0] === 'GET'))).toBe(true);
  });
});
