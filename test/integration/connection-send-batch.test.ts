/**
 * `Connection.sendBatch`: the pipeline fast path (one sink per batch, no promise per command) keeps every guarantee
 * of `sendCommand`: each reply to its own index, errors in place, shared deadline, abort, queueing before ready,
 * late replies never handed to the next caller, tracing.
 */
import type { BatchCommand, Connection } from '../../lib/connection/connection.js';
import { commandChannel } from '../../lib/connection/connection-diagnostics.js';
import { AbortError, DataError, TimeoutError, WrongTypeError } from '../../lib/errors/index.js';
import { useStandaloneConnections } from '../support/standalone-connections.js';

const connection = useStandaloneConnections();

type Settled = [Error | null, unknown];

/** Sends `commands` as one batch; resolves with `[error, value]` per index once all settled, and the settle order. */
function batch(c: Connection, commands: readonly BatchCommand[]): Promise<{ results: Settled[]; order: number[]; calls: number }> {
  return new Promise((resolve) => {
    const results: Settled[] = new Array<Settled>(commands.length);
    const order: number[] = [];
    let calls = 0;
    let left = commands.length;
    c.sendBatch(commands, {
      settle(index, error, value) {
        calls++;
        order.push(index);
        results[index] = [error, value];
        // Resolve on the next turn, so a second settle of some index would still be counted.
        if (--left === 0) setImmediate(() => resolve({ results, order, calls }));
      },
    });
  });
}

const key = (name: string): string => `batch:${name}:${process.pid}:${Date.now()}`;

describe('Connection.sendBatch', () => {
  it.each([2, 3] as const)('settles every index once, in reply order, with errors in place (RESP%i)', async (protocol) => {
    const c = connection({ protocol });
    await c.connect();
    const s = key('s');
    const commands: BatchCommand[] = [
      { args: ['SET', s, 'text'] },
      { args: ['INCR', s] }, // WRONGTYPE-ish: ERR not an integer
      { args: ['GET', s] },
      { args: ['GET', s], returnBuffers: true },
      { args: ['HSET', s, 'f', 'v'] }, // WRONGTYPE
      ...Array.from({ length: 1000 }, (_, i): BatchCommand => ({ args: ['ECHO', `e${i}`] })),
    ];
    const { results, order, calls } = await batch(c, commands);
    expect(calls).toBe(commands.length);
    expect(order).toEqual(commands.map((_, i) => i));
    expect(results[0]).toEqual([null, 'OK']);
    expect(results[1]![0]).toBeInstanceOf(Error);
    expect((results[1]![0] as Error).message).toMatch(/not an integer/);
    expect(results[2]).toEqual([null, 'text']);
    expect(Buffer.isBuffer(results[3]![1])).toBe(true);
    expect((results[3]![1] as Buffer).toString()).toBe('text');
    expect(results[4]![0]).toBeInstanceOf(WrongTypeError);
    for (let i = 0; i < 1000; i++) expect(results[5 + i]).toEqual([null, `e${i}`]);
    expect(c.inFlight).toBe(0);
    await c.sendCommand(['DEL', s]);
  });

  it('an empty or malformed command fails its own index with DataError; the others are sent', async () => {
    const c = connection();
    await c.connect();
    const { results } = await batch(c, [
      { args: ['ECHO', 'a'] },
      { args: [] },
      { args: ['ECHO', { not: 'encodable' } as unknown as string] },
      { args: ['ECHO', 'd'] },
    ]);
    expect(results[0]).toEqual([null, 'a']);
    expect(results[1]![0]).toBeInstanceOf(DataError);
    expect(results[2]![0]).toBeInstanceOf(DataError);
    expect(results[3]).toEqual([null, 'd']);
  });

  it('commands sent before the connection is ready wait, then go out in order', async () => {
    const c = connection();
    expect(c.status).toBe('idle');
    const done = batch(c, Array.from({ length: 50 }, (_, i) => ({ args: ['ECHO', `q${i}`] })));
    expect(c.queued).toBe(50);
    const { results } = await done;
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => [null, `q${i}`]));
  });

  it('commandTimeout: the batch shares one deadline; late replies are dropped, the next command gets its own', async () => {
    const c = connection({ commandTimeout: 200 });
    await c.connect();
    const admin = connection();
    await admin.connect();
    await admin.sendCommand(['CLIENT', 'PAUSE', '3000', 'ALL']);
    try {
      const started = Date.now();
      const { results } = await batch(c, Array.from({ length: 20 }, (_, i) => ({ args: ['ECHO', `late${i}`] })));
      for (const [error] of results) expect(error).toBeInstanceOf(TimeoutError);
      expect((results[0]![0] as TimeoutError).kind).toBe('command');
      expect(Date.now() - started).toBeLessThan(2500); // settled by the deadline, not by the pause ending
    } finally {
      await admin.sendCommand(['CLIENT', 'UNPAUSE']);
    }
    // The 20 late replies arrive and are discarded by slot; this one must get its own reply.
    expect(await c.sendCommand(['ECHO', 'mine'], { timeout: 5000 })).toBe('mine');
  });

  it('a per-command timeout or signal applies to that index only', async () => {
    const c = connection();
    await c.connect();
    const controller = new AbortController();
    const list = key('blocked');
    const done = batch(c, [
      { args: ['ECHO', 'before'] },
      { args: ['BLPOP', list, '0'], signal: controller.signal },
      { args: ['ECHO', 'after'], timeout: 100 },
    ]);
    setTimeout(() => controller.abort(), 150);
    const { results } = await done;
    expect(results[0]).toEqual([null, 'before']);
    expect(results[1]![0]).toBeInstanceOf(AbortError);
    // Queued behind the blocked BLPOP: its own 100 ms deadline expires first.
    expect(results[2]![0]).toBeInstanceOf(TimeoutError);
    c.reconnect(); // BLPOP still blocks this socket
    expect(await c.sendCommand(['ECHO', 'fresh'])).toBe('fresh');
  });

  it('is traced per command when redwire:command has subscribers', async () => {
    const c = connection();
    await c.connect();
    const names: string[] = [];
    const handlers = {
      start: (message: unknown) => names.push((message as { command: string }).command),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    commandChannel.subscribe(handlers);
    try {
      const { results } = await batch(c, [{ args: ['ECHO', 'x'] }, { args: ['PING'] }]);
      expect(results).toEqual([[null, 'x'], [null, 'PONG']]);
    } finally {
      commandChannel.unsubscribe(handlers);
    }
    expect(names).toEqual(['ECHO', 'PING']);
  });
  it.each([
    ['reconnects', true, { value: 'PONG' }],
    ['gives up', false, { error: 'ConnectionError' }],
  ] as const)('a command sent from inside settle() while the socket is dropped is not lost (the connection %s)', async (_what, retries, expected) => {
    const c = connection({ commandTimeout: 0, ...(retries ? {} : { retry: false as const }) });
    const killer = connection();
    await Promise.all([c.connect(), killer.connect()]);
    const id = await c.sendCommand(['CLIENT', 'ID']);
    let fromSettle: Promise<unknown> | undefined;
    const failed = new Promise<Error | null>((resolve) => {
      c.sendBatch([{ args: ['BLPOP', key('never'), '0'] }], {
        settle(_index, error) {
          // Synchronously, inside the failure of the in-flight command.
          fromSettle = c.sendCommand(['PING']).then((value) => ({ value }), (error: Error) => ({ error: error.name }));
          resolve(error);
        },
      });
    });
    await new Promise((r) => setImmediate(r)); // the BLPOP is written and in flight
    await killer.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]); // the server drops the socket
    expect(await failed).toBeInstanceOf(Error);
    const outcome = await Promise.race([
      fromSettle!,
      new Promise((r) => setTimeout(() => r({ hung: 'not settled within 3 s: the command was lost' }), 3000).unref()),
    ]);
    expect(outcome).toEqual(expected);
  });
});
