import { EventEmitter } from 'node:events';
import { ConnectionError, TimeoutError } from '../../lib/errors/index.js';
import type { BatchCommand, PoolConnection, ReplySink } from '../../lib/pool/pool-connection.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';
import { FailoverHold } from '../../lib/sentinel/failover-hold.js';

/** Records what reaches the "socket" and answers every command with its name. */
function recordingConnection(): { conn: PoolConnection; written: string[]; timeouts: (number | undefined)[] } {
  const written: string[] = [];
  const timeouts: (number | undefined)[] = [];
  const conn = Object.assign(new EventEmitter(), {
    status: 'ready', endpoint: '127.0.0.1:6400', inFlight: 0, queued: 0, lastActivity: 0, protocol: 3, db: 0, subscriptions: 0,
    connect: async () => undefined,
    sendCommand: async (args: readonly RedisArg[], options?: { timeout?: number }) => {
      written.push(String(args[0]));
      timeouts.push(options?.timeout);
      return String(args[0]);
    },
    sendBatch: (commands: readonly BatchCommand[], sink: ReplySink) => {
      commands.forEach((c, i) => {
        written.push(String(c.args[0]));
        timeouts.push(c.timeout);
        sink.settle(i, null, String(c.args[0]));
      });
    },
    disconnect: async () => undefined,
    destroy: () => undefined,
    reconnect: () => undefined,
  }) as unknown as PoolConnection;
  return { conn, written, timeouts };
}

describe('FailoverHold', () => {
  it('holds commands and batches while on, sends them in order on release, and passes through when off', async () => {
    const hold = new FailoverHold({ masterName: 'm', timeout: 5000, maxQueued: 100 });
    const { conn, written } = recordingConnection();
    hold.install(conn, 0);
    expect(await conn.sendCommand(['GET', 'k'])).toBe('GET');
    hold.begin();
    const first = conn.sendCommand(['SET', 'a', '1']);
    const settled: unknown[] = [];
    conn.sendBatch!([{ args: ['INCR', 'x'] }, { args: ['INCR', 'y'] }], { settle: (_i, error, value) => settled.push(error ?? value) });
    const last = conn.sendCommand(['RPUSH', 'l', '1']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toEqual(['GET']);
    expect(hold.held).toBe(3);
    hold.release('switched');
    expect(await first).toBe('SET');
    expect(await last).toBe('RPUSH');
    expect(written).toEqual(['GET', 'SET', 'INCR', 'INCR', 'RPUSH']);
    expect(settled).toEqual(['INCR', 'INCR']);
  });

  it('a held command keeps its deadline: the time held is taken from its timeout, and it fails unsent when that runs out', async () => {
    const hold = new FailoverHold({ masterName: 'm', timeout: 5000, maxQueued: 100 });
    const { conn, written, timeouts } = recordingConnection();
    hold.install(conn, 1000);
    hold.begin();
    const expiring = conn.sendCommand(['SET', 'a', '1'], { timeout: 30 });
    const kept = conn.sendCommand(['SET', 'b', '1']);
    const error = await expiring.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ written: false, kind: 'command' });
    expect((error as Error).message).toMatch(/failover of 'm'.*not sent/);
    hold.release('switched');
    expect(await kept).toBe('SET');
    expect(written).toEqual(['SET']);
    expect(timeouts[0]).toBeLessThan(1000);
    expect(timeouts[0]).toBeGreaterThan(0);
  });

  it('is bounded by maxQueued and by its own deadline', async () => {
    const released: string[] = [];
    const hold = new FailoverHold({ masterName: 'm', timeout: 50, maxQueued: 1, onEnd: ({ reason }) => released.push(reason) });
    const { conn } = recordingConnection();
    hold.install(conn, 0);
    hold.begin();
    const held = conn.sendCommand(['SET', 'a', '1']);
    await expect(conn.sendCommand(['SET', 'b', '1'])).rejects.toBeInstanceOf(ConnectionError);
    await expect(conn.sendCommand(['SET', 'b', '1'])).rejects.toMatchObject({ name: 'QueueFullError', bound: 'maxQueued', written: false, message: expect.stringMatching(/maxQueued=1/) });
    expect(await held).toBe('SET');
    expect(released).toEqual(['deadline']);
    expect(hold.holding).toBe(false);
  });
});
