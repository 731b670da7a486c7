/**
 * The pool's `onReplyError` hook sees the error replies of commands on every path (shared, leased, a pipeline on
 * the shared connection) and nothing else; the caller still gets the error; a throwing hook changes nothing.
 */
import { ConnectionPool } from '../../lib/pool/connection-pool.js';
import type { BatchCommand, PoolCommandOptions, ReplySink } from '../../lib/pool/pool-connection.js';
import { ConnectionError, ConfigError, ResponseError, WrongTypeError } from '../../lib/errors/index.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';
import { FakeConnection } from './pool-fake-connection.js';

/** Answers WRONGTYPE to `BAD`, fails `LOST` like a dropped socket, OK to the rest. */
class ErrorReplyConnection extends FakeConnection {
  override sendCommand<T = RespValue>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T> {
    const name = String(args[0]);
    if (name === 'BAD') return Promise.reject(new WrongTypeError('WRONGTYPE Operation against a key holding the wrong kind of value'));
    if (name === 'LOST') return Promise.reject(new ConnectionError('socket closed', { written: true }));
    return super.sendCommand<T>(args, options);
  }
}

/** The same answers, plus the batch fast path pipelines use (settled through a sink, not promises). */
class BatchErrorReplyConnection extends ErrorReplyConnection {
  sendBatch(commands: readonly BatchCommand[], sink: ReplySink): void {
    commands.forEach((c, i) => {
      // The prototype's sendCommand: the pool wraps the instance's own one to observe it.
      ErrorReplyConnection.prototype.sendCommand.call(this, c.args).then(
        (value) => sink.settle(i, null, value),
        (error: Error) => sink.settle(i, error, null),
      );
    });
  }
}

describe('ConnectionPool onReplyError', () => {
  it('sees the error replies of batches sent with sendBatch (pipelines); the caller still gets them', async () => {
    const seen: string[] = [];
    const pool = new ConnectionPool({
      connectionFactory: (o) => new BatchErrorReplyConnection(o),
      onReplyError: (error) => seen.push(error.name),
    });
    await pool.connect();
    const settled: string[] = [];
    await new Promise<void>((resolve) => {
      let left = 3;
      pool.sharedConnection().sendBatch!([{ args: ['SET', 'k', 'v'] }, { args: ['BAD'] }, { args: ['LOST'] }], {
        settle(index, error) {
          settled.push(`${index}:${error?.name ?? 'ok'}`);
          if (--left === 0) setImmediate(resolve);
        },
      });
    });
    expect(settled.sort()).toEqual(['0:ok', '1:WrongTypeError', '2:ConnectionError']);
    // Reported (deferred out of the reply callback), only the error reply, not the lost socket.
    expect(seen).toEqual(['WrongTypeError']);
    await pool.disconnect({ graceful: false });
  });

  it('is called for error replies on shared, leased and pipelined commands, and the caller still gets them', async () => {
    const seen: string[] = [];
    const pool = new ConnectionPool({
      connectionFactory: (o) => new ErrorReplyConnection(o),
      onReplyError: (error, endpoint) => seen.push(`${error.name}@${endpoint}`),
    });
    await expect(pool.sendCommand(['BAD'])).rejects.toBeInstanceOf(WrongTypeError);
    await expect(pool.withConnection((conn) => conn.sendCommand(['BAD']))).rejects.toBeInstanceOf(WrongTypeError);
    const shared = pool.sharedConnection();
    const batch = await Promise.allSettled([shared.sendCommand(['SET', 'k', 'v']), shared.sendCommand(['BAD'])]);
    expect(batch.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    // Not a reply: a lost socket is the connection's business, not the hook's.
    await expect(pool.sendCommand(['LOST'])).rejects.toBeInstanceOf(ConnectionError);
    expect(await pool.sendCommand(['GET', 'k'])).toBe('OK');
    expect(seen).toEqual(['WrongTypeError@127.0.0.1:1', 'WrongTypeError@127.0.0.1:1', 'WrongTypeError@127.0.0.1:1']);
    await pool.disconnect({ graceful: false });
  });

  it('a throwing hook does not change what the caller gets', async () => {
    const pool = new ConnectionPool({
      connectionFactory: (o) => new ErrorReplyConnection(o),
      onReplyError: () => {
        throw new Error('hook bug');
      },
    });
    const failure = await pool.sendCommand(['BAD']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResponseError);
    expect((failure as Error).message).toMatch(/WRONGTYPE/);
    await pool.disconnect({ graceful: false });
  });

  it('rejects a hook that is not a function, and an endpointWatcher without attach/detach', () => {
    expect(() => new ConnectionPool({ onReplyError: 'no' as never })).toThrow(ConfigError);
    expect(() => new ConnectionPool({ endpointWatcher: {} as never })).toThrow(/endpointWatcher/);
  });

  it('an endpointWatcher gets the pool on creation and loses it when the pool closes', async () => {
    const attached = new Set<object>();
    const watcher = { attach: (p: object) => attached.add(p), detach: (p: object) => attached.delete(p) };
    const pool = new ConnectionPool({ connectionFactory: (o) => new FakeConnection(o), endpointWatcher: watcher });
    const copy = new ConnectionPool(pool.options);
    expect([...attached]).toEqual([pool, copy]);
    await pool.disconnect();
    expect([...attached]).toEqual([copy]);
    await copy.disconnect();
    expect(attached.size).toBe(0);
  });
});
