import { AbortError, ConnectionError, TimeoutError } from '../../lib/errors/index.js';
import type { Connection } from '../../lib/connection/connection.js';
import { useStandaloneConnections } from '../support/standalone-connections.js';
import { waitUntil } from '../support/wait-until.js';

const connection = useStandaloneConnections();

/** Blocks `c` server-side (BLPOP on a key nobody pushes to), so commands behind it stay in flight. */
function block(c: Connection, key: string): Promise<unknown> {
  return c.sendCommand(['BLPOP', key, 0]).catch((error: unknown) => error);
}

describe('Connection pipelining', () => {
  it.each([2, 3] as const)('10,000 commands in flight on one connection each get their own reply (RESP%i)', async (protocol) => {
    const c = connection({ protocol });
    await c.connect();
    const n = 10_000;
    const hash = `conn:pipe:${protocol}:${process.pid}:${Date.now()}`;
    const replies = Array.from({ length: n }, (_, i) =>
      i % 2 === 0 ? c.sendCommand(['ECHO', `value-${i}`]) : c.sendCommand(['HINCRBY', hash, `f${i}`, i]),
    );
    expect(c.inFlight).toBe(n);
    const values = await Promise.all(replies);
    expect(values).toEqual(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `value-${i}` : i)));
    expect(c.inFlight).toBe(0);
    await c.sendCommand(['DEL', hash]);
  });

  it('CLIENT KILL mid-pipeline fails the in-flight commands with ConnectionError, then the connection recovers', async () => {
    const c = connection();
    await c.connect();
    const admin = connection();
    const id = await c.sendCommand<number>(['CLIENT', 'ID']);
    const blocked = block(c, 'conn:pipe:never');
    const inFlight = Array.from({ length: 100 }, (_, i) => c.sendCommand(['ECHO', `x${i}`]).catch((e: unknown) => e));
    const retried = c.sendCommand(['ECHO', 'retried'], { retryOnReconnect: true });
    await waitUntil('BLPOP to block', async () => (await admin.sendCommand<string>(['CLIENT', 'LIST', 'ID', id])).includes('cmd=blpop'));
    const reconnecting = new Promise((resolve) => c.once('reconnecting', resolve));
    const ready = new Promise((resolve) => c.once('ready', resolve));
    await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    const blockedError = await blocked;
    expect(blockedError).toBeInstanceOf(ConnectionError);
    expect(blockedError).toMatchObject({ command: 'BLPOP', endpoint: '127.0.0.1:6390' });
    expect((blockedError as Error).message).toMatch(/lost before the reply to BLPOP/);
    for (const result of await Promise.all(inFlight)) {
      expect(result).toBeInstanceOf(ConnectionError);
      expect(result).toMatchObject({ command: 'ECHO' });
    }
    await reconnecting;
    await ready;
    // The command that opted into retryOnReconnect was re-sent on the new socket.
    expect(await retried).toBe('retried');
    expect(await c.sendCommand(['ECHO', 'after'])).toBe('after');
    expect(await c.sendCommand<number>(['CLIENT', 'ID'])).not.toBe(id);
  });

  it('DEBUG SLEEP beyond the command timeout: TimeoutError, and the next command gets its own reply', async () => {
    const c = connection({ commandTimeout: 50 });
    await c.connect();
    const failure = await c.sendCommand(['DEBUG', 'SLEEP', '0.3']).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ kind: 'command', timeout: 50, command: 'DEBUG SLEEP', endpoint: '127.0.0.1:6390' });
    // Sent while the late +OK is still due; it must not receive it.
    expect(await c.sendCommand(['ECHO', 'mine'], { timeout: 0 })).toBe('mine');
    expect(await c.sendCommand(['GET', 'conn:pipe:missing'], { timeout: 0 })).toBeNull();
  });

  it('an abort signal settles the command with AbortError; a late reply is discarded', async () => {
    const c = connection();
    await c.connect();
    const controller = new AbortController();
    const sleeping = c.sendCommand(['DEBUG', 'SLEEP', '0.2'], { signal: controller.signal });
    const next = c.sendCommand(['ECHO', 'next']);
    controller.abort(new Error('user left'));
    const failure = await sleeping.then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(AbortError);
    expect(failure).toMatchObject({ command: 'DEBUG SLEEP' });
    expect((failure as Error).message).toMatch(/user left/);
    expect(await next).toBe('next');
    // Already aborted: fails at once, nothing is written.
    await expect(c.sendCommand(['INCR', 'conn:pipe:aborted'], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(await c.sendCommand(['GET', 'conn:pipe:aborted'])).toBeNull();
  });

  it('maxQueued bounds the commands waiting for a connection; overflow fails at once', async () => {
    const c = connection({ maxQueued: 2 });
    const first = c.sendCommand(['ECHO', 'a']);
    const second = c.sendCommand(['ECHO', 'b']);
    expect(c.queued).toBe(2);
    const overflow = await c.sendCommand(['ECHO', 'c']).then(() => undefined, (e: unknown) => e);
    expect(overflow).toBeInstanceOf(ConnectionError);
    expect((overflow as Error).message).toMatch(/maxQueued=2/);
    expect(overflow).toMatchObject({ command: 'ECHO' });
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
  });

  it('disconnect() waits for in-flight replies, then closes for good', async () => {
    const c = connection();
    await c.connect();
    const slow = c.sendCommand(['DEBUG', 'SLEEP', '0.05']);
    const ended = new Promise((resolve) => c.once('end', resolve));
    await c.disconnect();
    expect(await slow).toBe('OK');
    await ended;
    expect(c.status).toBe('closed');
    await expect(c.sendCommand(['PING'])).rejects.toBeInstanceOf(ConnectionError);
  });

  it('reconnect() drops the socket and comes back with a new one, keeping queued commands', async () => {
    const c = connection();
    await c.connect();
    const id = await c.sendCommand<number>(['CLIENT', 'ID']);
    c.reconnect();
    const after = await c.sendCommand<number>(['CLIENT', 'ID']);
    expect(after).not.toBe(id);
    expect(c.status).toBe('ready');
  });

  it('destroy() fails what is in flight at once', async () => {
    const c = connection();
    await c.connect();
    const blocked = block(c, 'conn:pipe:never2');
    c.destroy();
    expect(await blocked).toBeInstanceOf(ConnectionError);
    expect(c.status).toBe('closed');
  });
});
