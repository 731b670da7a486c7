import { readFileSync } from 'node:fs';
import { ConnectionError } from '../../lib/errors/index.js';
import { STANDALONE, STANDALONE_TLS, STANDALONE_UNIX } from '../support/topology.js';
import { useStandaloneConnections } from '../support/standalone-connections.js';

// No default endpoint: each test names its transport (TCP, TLS, unix socket).
const connection = useStandaloneConnections({});

describe('Connection transports', () => {
  it('TCP: connects, reports its endpoint and round-trips a value', async () => {
    const c = connection(STANDALONE);
    await c.connect();
    expect(c.status).toBe('ready');
    expect(c.endpoint).toBe('127.0.0.1:6390');
    await c.sendCommand(['SET', 'conn:tcp', 'é✓']);
    expect(await c.sendCommand(['GET', 'conn:tcp'])).toBe('é✓');
    expect(await c.sendCommand(['GET', 'conn:tcp'], { returnBuffers: true })).toEqual(Buffer.from('é✓'));
  });

  it('IPv6: connects to ::1', async () => {
    const c = connection({ host: '::1', port: STANDALONE.port });
    await c.connect();
    expect(c.endpoint).toBe('[::1]:6390');
    const info = await c.sendCommand<string>(['CLIENT', 'INFO']);
    expect(info).toMatch(/addr=\[?::1\]?:/);
  });

  it('unix socket: connects by path', async () => {
    const c = connection({ path: STANDALONE_UNIX.path });
    await c.connect();
    expect(c.endpoint).toBe(STANDALONE_UNIX.path);
    expect(await c.sendCommand(['PING'])).toBe('PONG');
  });

  const ca = (): Buffer => readFileSync(STANDALONE_TLS.caFile);

  it('TLS: verifies the server with the generated CA (hostname and IP) and works with a client certificate', async () => {
    const byIp = connection({ host: STANDALONE_TLS.host, port: STANDALONE_TLS.port, tls: { ca: ca() } });
    await byIp.connect();
    expect(await byIp.sendCommand(['PING'])).toBe('PONG');
    const byName = connection({
      host: 'localhost',
      port: STANDALONE_TLS.port,
      tls: { ca: ca(), cert: readFileSync(STANDALONE_TLS.certFile), key: readFileSync(STANDALONE_TLS.keyFile), minVersion: 'TLSv1.2' },
    });
    await byName.connect();
    expect(await byName.sendCommand(['ECHO', 'over tls'])).toBe('over tls');
  });

  it('large string values (written to the socket apart from the command bytes) round-trip on TCP, unix and TLS', async () => {
    // 'é' is two bytes: the header must count UTF-8 bytes, not characters. Pipelined with small commands around them.
    const big = `${'é'.repeat(40_000)}end`;
    const bigger = 'z'.repeat(1_000_000);
    for (const c of [
      connection(STANDALONE),
      connection({ path: STANDALONE_UNIX.path }),
      connection({ host: STANDALONE_TLS.host, port: STANDALONE_TLS.port, tls: { ca: ca() } }),
    ]) {
      const replies = await Promise.all([
        c.sendCommand(['SET', 'conn:big', big]),
        c.sendCommand(['ECHO', 'between']),
        c.sendCommand(['SET', 'conn:bigger', bigger]),
        c.sendCommand(['GET', 'conn:big']),
        c.sendCommand(['STRLEN', 'conn:bigger']),
      ]);
      expect(replies).toEqual(['OK', 'between', 'OK', big, 1_000_000]);
    }
  });

  it('TLS: refuses a server whose CA is unknown, without a retry loop', async () => {
    const c = connection({ host: STANDALONE_TLS.host, port: STANDALONE_TLS.port, tls: true });
    let reconnects = 0;
    c.on('reconnecting', () => reconnects++);
    const failure = await c.connect().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect((failure as Error).message).toMatch(/TLS certificate verification failed for 127\.0\.0\.1:6391/);
    expect(reconnects).toBe(0);
    expect(c.status).toBe('closed');
  });

  it('TLS: refuses a certificate that does not match the expected hostname', async () => {
    const c = connection({ host: STANDALONE_TLS.host, port: STANDALONE_TLS.port, tls: { ca: ca(), servername: 'wrong.example.com' } });
    const failure = await c.connect().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(String((failure as Error).cause)).toMatch(/wrong\.example\.com|altnames/i);
  });

  it('a server that is not listening: ConnectionError naming the endpoint once the policy gives up', async () => {
    const c = connection({ port: 17101, retry: { attempts: 2, strategy: 'constant', base: 1 } });
    const events: number[] = [];
    c.on('reconnecting', (e: { attempt: number }) => events.push(e.attempt));
    const ended = new Promise((resolve) => c.once('end', resolve));
    const pending = c.sendCommand(['GET', 'k']);
    const failure = await pending.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ command: 'GET', endpoint: '127.0.0.1:17101' });
    expect((failure as Error).message).toMatch(/Gave up connecting to 127\.0\.0\.1:17101 after 3 attempt/);
    expect(events).toEqual([1, 2]);
    await ended;
    expect(c.status).toBe('closed');
    await expect(c.sendCommand(['GET', 'k'])).rejects.toThrow(/closed/);
  });
});
