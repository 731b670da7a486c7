/**
 * The in-flight bounds, seen from a scripted server that answers only when told: at most `maxInFlight` commands are
 * written without a reply, the rest wait in order (single commands up to `maxQueued`, then QueueFullError), and a
 * large batch streams out as replies make room, created chunk by chunk.
 */
import { Connection } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { QueueFullError } from '../../lib/errors/index.js';
import type { ReplySink } from '../../lib/connection/pending-command.js';
import { defaultHandshake, startFakeRedisServer, type FakeClient, type FakeRedisServer } from '../support/fake-redis-server.js';
import { waitUntil } from '../support/wait-until.js';

let server: FakeRedisServer;
let held: { client: FakeClient; token: string }[] = [];
const open: Connection[] = [];

beforeEach(async () => {
  held = [];
  // ECHO is answered only by release(); everything else of the handshake at once.
  server = await startFakeRedisServer((args, client) => {
    if (defaultHandshake(args, client)) return;
    held.push({ client, token: args[1] ?? '' });
  });
});

afterEach(async () => {
  for (const c of open.splice(0)) c.destroy();
  await server.close();
});

function connection(options: ConnectionOptions): Connection {
  const c = new Connection({ host: server.host, port: server.port, protocol: 2, lazyConnect: true, ...options });
  open.push(c);
  return c;
}

/** Answers the `n` oldest ECHOs the server has received. */
function release(n = held.length): void {
  for (const { client, token } of held.splice(0, n)) client.write(`$${Buffer.byteLength(token)}\r\n${token}\r\n`);
}

describe('in-flight bounds', () => {
  it('writes at most maxInFlight commands without a reply; the others wait in order and go out as replies arrive', async () => {
    const c = connection({ maxInFlight: 3 });
    await c.connect();
    const replies = Array.from({ length: 10 }, (_, i) => c.sendCommand(['ECHO', `t${i}`]));
    await waitUntil('3 commands written', () => held.length === 3, 5000, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held.length).toBe(3);
    expect(c.inFlight).toBe(10);
    for (let i = 0; i < 10 && held.length > 0; ) {
      const n = held.length;
      release();
      i += n;
      await waitUntil('more written or all done', () => held.length > 0 || i >= 10, 5000, 2);
      expect(held.length).toBeLessThanOrEqual(3);
    }
    await expect(Promise.all(replies)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
  });

  it('beyond maxQueued waiting single commands fail at once with QueueFullError, before anything is sent', async () => {
    const c = connection({ maxInFlight: 2, maxQueued: 3 });
    await c.connect();
    const outcomes = Array.from({ length: 8 }, (_, i) => c.sendCommand(['ECHO', `q${i}`]).then((v) => v, (e: Error) => e));
    await waitUntil('2 written', () => held.length === 2, 5000, 2);
    let settled = false;
    const all = Promise.all(outcomes).then((r) => {
      settled = true;
      return r;
    });
    while (!settled) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await all;
    expect(results.slice(0, 5)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    for (const r of results.slice(5)) {
      expect(r).toBeInstanceOf(QueueFullError);
      expect((r as QueueFullError).bound).toBe('maxQueued');
      expect((r as QueueFullError).message).toMatch(/maxInFlight=2.*maxQueued=3/s);
    }
    // The refused ones were never written.
    expect(server.clients.flatMap((cl) => cl.commands).filter((a) => a[0] === 'ECHO').map((a) => a[1])).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
  });

  it('a batch far larger than the bounds is never refused: it streams out as replies make room, in order', async () => {
    const c = connection({ maxInFlight: 1000 });
    await c.connect();
    const n = 50_000;
    const got: unknown[] = new Array(n);
    let left = n;
    const done = new Promise<void>((resolve) => {
      const sink: ReplySink = {
        settle(index, error, value) {
          got[index] = error ?? value;
          if (--left === 0) resolve();
        },
      };
      c.sendBatch(Array.from({ length: n }, (_, i) => ({ args: ['ECHO', `b${i}`] })), sink);
    });
    let maxHeld = 0;
    while (left > 0) {
      await waitUntil('some written', () => held.length > 0 || left === 0, 5000, 2);
      maxHeld = Math.max(maxHeld, held.length);
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(maxHeld).toBeLessThanOrEqual(1000);
    expect(got.every((v, i) => v === `b${i}`)).toBe(true);
  });
});
