import { recordMethod, recordRaw, type QueuedCall } from '../../lib/client/call-recorder.js';
import { asRecord, asTextRecord } from '../../lib/client/commands/reply-transforms.js';
import { runPipeline } from '../../lib/client/run-batch.js';
import type { CommandSender } from '../../lib/client/send-call.js';
import { DataError, ResponseError } from '../../lib/errors/index.js';
import type { RedisArg, RespMap, RespValue } from '../../lib/protocol/resp-value.js';
import type { BatchCommand, PoolConnection, ReplySink } from '../../lib/pool/pool-connection.js';

/** Answers each command from `answer`, settling them in the order `order` gives (not the order sent). */
function scriptedSender(answer: (args: readonly RedisArg[]) => RespValue | Error): CommandSender & { flush(order: number[]): void } {
  const pending: (() => void)[] = [];
  return {
    sendCommand<T>(args: readonly RedisArg[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push(() => {
          const a = answer(args);
          if (a instanceof Error) reject(a);
          else resolve(a as T);
        });
      });
    },
    flush(order: number[]) {
      expect([...order].sort()).toEqual(pending.map((_, i) => i));
      for (const i of order) pending[i]!();
    },
  };
}

describe('pipeline results', () => {
  it('are in queue order whatever order replies settle in, with per-command transforms and errors in place', async () => {
    const sender = scriptedSender((args) => {
      if (args[0] === 'HGETALL') return ['a', '1', 'b', '2'];
      if (args[0] === 'INCR') return new ResponseError('ERR value is not an integer', { prefix: 'ERR' });
      if (args[0] === 'ZSCORE') return 'not-a-double?';
      return `v:${String(args[1])}`;
    });
    const queued: QueuedCall[] = [
      recordMethod('get', ['k1']),
      recordMethod('hgetall', ['h']),
      recordMethod('incr', ['n']),
      recordMethod('set', ['k', 'v', { NX: true, XX: true }]),
      recordRaw('GET', ['k2']),
      recordMethod('zscore', ['z', 'm']),
    ];
    const done = runPipeline(sender, queued, 0);
    sender.flush([4, 2, 0, 1, 3]);
    const results = await done;
    expect(results).toHaveLength(6);
    expect(results[0]).toEqual([null, 'v:k1']);
    expect(results[1]).toEqual([null, { a: '1', b: '2' }]);
    expect(results[2]![0]).toBeInstanceOf(ResponseError);
    expect(results[2]![1]).toBeNull();
    expect(results[3]![0]).toBeInstanceOf(DataError);
    expect(results[4]).toEqual([null, 'v:k2']);
    expect(results[5]).toEqual([null, Number.NaN]);
  }, 5000);

  it('turn a throwing transform into that entry\'s error without failing the batch', async () => {
    const sender = scriptedSender(() => 'x');
    const queued: QueuedCall[] = [
      { args: ['GET', 'a'], transform: () => { throw new Error('bad shape'); } },
      recordMethod('get', ['b']),
    ];
    const done = runPipeline(sender, queued, 0);
    sender.flush([1, 0]);
    const results = await done;
    expect(results[0]![0]?.message).toBe('bad shape');
    expect(results[1]).toEqual([null, 'x']);
  }, 5000);

  it('resolve an empty queue to []', async () => {
    await expect(runPipeline(scriptedSender(() => null), [], 0)).resolves.toEqual([]);
  });
});

/** A sender with the connection's batch fast path: records what went through sendBatch vs sendCommand. */
function batchSender(answer: (args: readonly RedisArg[]) => RespValue | Error) {
  const viaBatch: string[] = [];
  const viaCommand: string[] = [];
  let deliver: (() => void) | undefined;
  const sender = {
    sendCommand<T>(args: readonly RedisArg[]): Promise<T> {
      viaCommand.push(String(args[0]));
      const a = answer(args);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a as T);
    },
    sendBatch(commands: readonly BatchCommand[], sink: ReplySink): void {
      for (const c of commands) viaBatch.push(String(c.args[0]));
      // Replies arrive later, last first (the sink must not rely on order).
      deliver = () => {
        for (let i = commands.length - 1; i >= 0; i--) {
          const a = answer(commands[i]!.args);
          if (a instanceof Error) sink.settle(i, a, null);
          else sink.settle(i, null, a);
        }
      };
    },
  };
  return { sender, viaBatch, viaCommand, deliver: () => deliver?.() };
}

describe('pipeline results over sendBatch', () => {
  it('send plain calls as one batch and keep positions when invalid or blocking calls sit between them', async () => {
    const { sender, viaBatch, viaCommand, deliver } = batchSender((args) => {
      if (args[0] === 'HGETALL') return ['a', '1'];
      if (args[0] === 'BLPOP') return ['list', 'item'];
      if (args[0] === 'INCR') return new ResponseError('ERR value is not an integer', { prefix: 'ERR' });
      return `v:${String(args[1])}`;
    });
    const queued: QueuedCall[] = [
      recordMethod('set', ['k', 'v', { NX: true, XX: true }]), // invalid: not sent
      recordMethod('get', ['k1']),
      recordMethod('blpop', ['list', 1]), // blocking: its own deadline, sent on its own
      recordMethod('hgetall', ['h']),
      recordMethod('incr', ['n']),
      recordRaw('GET', ['k2']),
    ];
    const done = runPipeline(sender as unknown as PoolConnection, queued, 0);
    deliver();
    const results = await done;
    expect(viaBatch).toEqual(['GET', 'HGETALL', 'INCR', 'GET']);
    expect(viaCommand).toEqual(['BLPOP']);
    expect(results[0]![0]).toBeInstanceOf(DataError);
    expect(results[1]).toEqual([null, 'v:k1']);
    expect(results[2]![0]).toBeNull();
    expect(results[3]).toEqual([null, { a: '1' }]);
    expect(results[4]![0]).toBeInstanceOf(ResponseError);
    expect(results[5]).toEqual([null, 'v:k2']);
  }, 5000);

  it('settle every call even when sendBatch throws', async () => {
    const sender = {
      sendCommand: () => Promise.reject(new Error('unused')),
      sendBatch: () => {
        throw new Error('broken sender');
      },
    };
    const results = await runPipeline(sender as unknown as PoolConnection, [recordRaw('GET', ['a']), recordRaw('GET', ['b'])], 0);
    expect(results.map(([error]) => error?.message)).toEqual(['broken sender', 'broken sender']);
  }, 5000);
});

describe('record shapers', () => {
  const map = (entries: Record<string, RespValue>): RespMap => Object.assign(Object.create(null) as RespMap, entries);

  it('keep __proto__ and constructor as plain fields in every reply form', () => {
    for (const reply of [['__proto__', 'x', 'constructor', 'y'], map({ ['__proto__']: 'x', constructor: 'y' }), [['__proto__', 'x'], ['constructor', 'y']]]) {
      const record = asRecord(reply as RespValue);
      expect(Object.getPrototypeOf(record)).toBeNull();
      expect(Object.keys(record)).toEqual(['__proto__', 'constructor']);
      expect(record['__proto__']).toBe('x');
      expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    }
  }, 5000);

  it('CONFIG GET values are text in both protocols (also Buffers and nulls)', () => {
    const expected = { maxmemory: '0', save: '' };
    expect(asTextRecord(['maxmemory', '0', 'save', null])).toEqual(expected);
    expect(asTextRecord(map({ maxmemory: Buffer.from('0'), save: '' }))).toEqual(expected);
  });
});
