/**
 * Hostile and broken servers on loopback: malformed type bytes, negative/huge/over-limit lengths, truncated frames,
 * a reply dribbled byte by byte, replies for commands never sent, endless pushes, TLS certificates for another
 * host or from an unknown CA, a handshake that never answers. Each must end in a typed error with the socket closed
 * by the client (or, for the dribble, the right value), the process healthy and memory bounded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ConnectionError, ProtocolError, RedisError, TimeoutError } from '../../lib/errors/index.js';
import { defaultHandshake, type CountingFakeClient, type CountingFakeServer } from '../support/fake-redis-server.js';
import { cleanupAfterEach, fakeServerPerTest } from '../support/test-cleanup.js';
import { waitUntil } from '../support/wait-until.js';

type FakeHandler = (args: string[], peer: CountingFakeClient) => void;

const defer = cleanupAfterEach();
const server = fakeServerPerTest(defer);
function connection(s: CountingFakeServer, options: ConnectionOptions = {}): Connection {
  const c = new Connection({ host: s.host, port: s.port, lazyConnect: true, retry: false, connectTimeout: 2000, ...options });
  c.on('error', () => undefined);
  defer(() => c.destroy());
  return c;
}
/** The client closed its socket: the server side sees the end of the stream. */
function peerClosed(peer: CountingFakeClient): Promise<unknown> {
  return waitUntil('the client to close the socket', () => peer.socket.destroyed || peer.socket.readableEnded);
}
/** A server answering the handshake, then `reply` (raw bytes) to the first GET. */
function answering(reply: string | Buffer | ((peer: CountingFakeClient) => void)): FakeHandler {
  return (args, peer) => {
    if (defaultHandshake(args, peer)) return;
    if (typeof reply === 'function') reply(peer);
    else peer.write(reply);
  };
}

/** Sends GET to a server answering `reply`; expects `ErrorClass`, the socket closed by the client, status closed. */
async function expectBrokenReply(reply: string | Buffer, options: ConnectionOptions = {}): Promise<Error> {
  const s = await server(answering(reply));
  const c = connection(s, options);
  await c.connect();
  const failure = await c.sendCommand(['GET', 'k']).then((v) => v, (e: unknown) => e);
  expect(failure).toBeInstanceOf(RedisError);
  await peerClosed(s.clients[0]!);
  await waitUntil('status closed', () => c.status === 'closed');
  return failure as Error;
}

describe('malformed replies end in ProtocolError and a closed socket', () => {
  it.each([
    ['an unknown type byte', '?what\r\n'],
    ['a NUL type byte', '\0\0\0\r\n'],
    ['a negative bulk length', '$-5\r\nabc\r\n'],
    ['a negative aggregate length', '*-7\r\n'],
    ['a non-numeric length', '$abc\r\n'],
    ['a length that overflows', '$99999999999999999999999\r\n'],
    ['a bad integer', ':12x4\r\n'],
    ['a bulk without its CRLF', '$3\r\nabcXY'],
  ])('%s', async (_label, reply) => {
    const failure = await expectBrokenReply(reply);
    // The command fails because of the protocol violation (it may be wrapped as the reason the socket was lost).
    const chain = [failure, (failure as Error).cause].map((e) => (e as Error | undefined)?.name);
    expect(chain).toContain('ProtocolError');
  });

  it('a bulk length over maxBulkLength is refused at the header, before the body arrives', async () => {
    const failure = await expectBrokenReply('$2048\r\n', { maxBulkLength: 1024 });
    const chain = [failure, (failure as Error).cause];
    expect(chain.some((e) => e instanceof ProtocolError)).toBe(true);
  });

  it('an aggregate announcing a billion elements does not allocate them', async () => {
    const before = process.memoryUsage().heapUsed;
    const s = await server(answering('*1000000000\r\n:1\r\n:2\r\n'));
    const c = connection(s, { maxBulkLength: 1024 * 1024 });
    await c.connect();
    const failure = await c.sendCommand(['GET', 'k']).then((v) => v, (e: unknown) => e);
    expect(failure).toBeInstanceOf(RedisError);
    await peerClosed(s.clients[0]!);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a truncated frame followed by close is a ConnectionError, not a hang', async () => {
    const s = await server(answering((peer) => {
      peer.write('$10\r\nabc');
      peer.socket.end();
    }));
    const c = connection(s);
    await c.connect();
    const failure = await c.sendCommand(['GET', 'k']).then((v) => v, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    await waitUntil('status closed', () => c.status === 'closed');
  });
});

describe('odd but legal, and illegal, timing', () => {
  it('a reply dribbled one byte at a time arrives whole and correct', async () => {
    const reply = Buffer.from('*3\r\n$5\r\nhello\r\n:42\r\n$-1\r\n');
    const s = await server(answering((peer) => {
      let i = 0;
      const next = (): void => {
        if (i >= reply.length || peer.socket.destroyed) return;
        peer.write(reply.subarray(i, ++i));
        setImmediate(next);
      };
      next();
    }));
    const c = connection(s);
    await c.connect();
    await expect(c.sendCommand(['GET', 'k'])).resolves.toEqual(['hello', 42, null]);
    await expect(c.sendCommand(['GET', 'k'])).resolves.toEqual(['hello', 42, null]);
    expect(c.status).toBe('ready');
  });

  it('a reply for a command never sent is a ProtocolError: the socket is dropped, never handed to a later caller', async () => {
    let peerCount = 0;
    const s = await server((args, peer) => {
      if (defaultHandshake(args, peer)) {
        // Right after the handshake of the first connection: an unsolicited reply.
        if (args[0] === 'CLIENT' && peerCount === 0) setTimeout(() => peer.write('+UNSOLICITED\r\n'), 20);
        return;
      }
      peer.write(`$${args[1]!.length}\r\n${args[1]}\r\n`);
    }, { onConnect: () => undefined });
    const c = connection(s, { retry: { attempts: 3, strategy: 'constant', base: 10 } });
    const errors: Error[] = [];
    c.on('error', (e: Error) => errors.push(e));
    await c.connect();
    peerCount = 1;
    await waitUntil('the unsolicited reply to be noticed', () => errors.length > 0 || s.clients[0]!.socket.destroyed);
    const values = await Promise.all(['a', 'b', 'c'].map((k) => c.sendCommand(['GET', k]).catch((e: unknown) => e)));
    for (const [i, v] of values.entries()) {
      expect(v).not.toBe('UNSOLICITED');
      if (typeof v === 'string') expect(v).toBe(['a', 'b', 'c'][i]);
    }
    expect(errors.some((e) => e instanceof ProtocolError)).toBe(true);
    await peerClosed(s.clients[0]!);
  });

  it('endless RESP3 pushes: commands still get their own replies and memory stays bounded', async () => {
    let flooding = true;
    const s = await server((args, peer) => {
      if (args[0] === 'HELLO') {
        peer.write('%2\r\n$5\r\nproto\r\n:3\r\n$6\r\nserver\r\n$5\r\nredis\r\n');
        const push = Buffer.from('>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$32\r\n' + 'x'.repeat(32) + '\r\n').toString('latin1');
        const batch = push.repeat(200);
        const flood = (): void => {
          if (!flooding || peer.socket.destroyed) return;
          if (peer.socket.write(batch, 'latin1')) setImmediate(flood);
          else peer.socket.once('drain', flood);
        };
        setImmediate(flood);
        return;
      }
      if (defaultHandshake(args, peer)) return;
      peer.write(`$${args[1]!.length}\r\n${args[1]}\r\n`);
    });
    const c = connection(s);
    let pushes = 0;
    c.on('push', () => pushes++);
    await c.connect();
    expect(c.protocol).toBe(3);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50; i++) {
      await expect(c.sendCommand(['GET', `key-${i}`])).resolves.toBe(`key-${i}`);
    }
    await waitUntil('50k pushes', () => pushes > 50_000, 20_000);
    flooding = false;
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(128 * 1024 * 1024);
  });

  it('a handshake that never answers: the client command fails with a TimeoutError, socket closed', async () => {
    const s = await server(() => undefined);
    const client = new RedisClient({ host: s.host, port: s.port, lazyConnect: true, connectTimeout: 200, retry: false });
    defer(() => client.disconnect());
    const failure = await client.get('k').then((v) => v, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    const chain = [failure, (failure as Error).cause];
    expect(chain.some((e) => e instanceof TimeoutError && e.kind === 'connect')).toBe(true);
    await peerClosed(s.clients[0]!);
  });
});

describe('TLS servers the client must not trust', () => {
  let dir: string;
  let ca: Buffer;
  let otherHost: { key: Buffer; cert: Buffer };
  let selfSigned: { key: Buffer; cert: Buffer };
  let good: { key: Buffer; cert: Buffer };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redwire-hostile-tls-'));
    const ssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    };
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=redwire hostile CA', '-keyout', 'ca.key', '-out', 'ca.crt');
    const leaf = (name: string, san: string): void => {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
    };
    leaf('other', 'DNS:other.example.com');
    leaf('good', 'IP:127.0.0.1,DNS:localhost');
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'self.key', '-out', 'self.crt');
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    ca = read('ca.crt');
    otherHost = { key: read('other.key'), cert: read('other.crt') };
    selfSigned = { key: read('self.key'), cert: read('self.crt') };
    good = { key: read('good.key'), cert: read('good.crt') };
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const echo: FakeHandler = (args, peer) => {
    if (!defaultHandshake(args, peer)) peer.write('+OK\r\n');
  };

  it('control: a certificate for 127.0.0.1 from the given CA is accepted', async () => {
    const s = await server(echo, { tls: good });
    const c = connection(s, { tls: { ca } });
    await c.connect();
    await expect(c.sendCommand(['PING'])).resolves.toBe('PONG');
  });

  it('a certificate for another host is refused by default, without retrying, and nothing is sent', async () => {
    const s = await server(echo, { tls: otherHost });
    const c = connection(s, { tls: { ca }, retry: { attempts: 5, strategy: 'constant', base: 10 } });
    const failure = await c.connect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect((failure as Error).message).toMatch(/certificate|altname|hostname/i);
    expect(s.clients.every((p) => p.commands.length === 0)).toBe(true);
    expect(c.status).toBe('closed');
  });

  it('a certificate from an unknown CA (self-signed) is refused by default', async () => {
    const s = await server(echo, { tls: selfSigned });
    const client = new RedisClient({ host: s.host, port: s.port, tls: true, lazyConnect: true, retry: { attempts: 5, strategy: 'constant', base: 10 } });
    defer(() => client.disconnect());
    const failure = await client.ping().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(String((failure as Error).message)).toMatch(/certificate|self.signed|verif/i);
    expect(s.clients.every((p) => p.commands.length === 0)).toBe(true);
  });
});
