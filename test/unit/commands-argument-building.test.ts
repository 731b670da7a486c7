import { expectTypeOf } from 'expect-type';
import { CommandsBase, defineScript, type CommandCall, type ScoredMember, type StreamMessages } from '../../lib/client/commands/index.js';
import { DataError, NoScriptError } from '../../lib/errors/index.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

class ArgsClient extends CommandsBase {
  sent: RedisArg[][] = [];
  replies: (RespValue | Error)[] = [];
  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.sent.push(call.args);
    const reply = this.replies.shift() ?? 'OK';
    if (reply instanceof Error) return Promise.reject(reply);
    return Promise.resolve(call.transform ? call.transform(reply) : (reply as T));
  }
}

async function argsOf(invoke: (c: ArgsClient) => Promise<unknown>): Promise<RedisArg[] | undefined> {
  const client = new ArgsClient();
  await invoke(client).catch(() => undefined);
  return client.sent[0];
}

describe('typed methods build the command arguments', () => {
  it.each<[string, (c: ArgsClient) => Promise<unknown>, RedisArg[]]>([
    ['set with expiry and condition', (c) => c.set('k', 'v', { PX: 100, NX: true, GET: true }), ['SET', 'k', 'v', 'PX', 100, 'NX', 'GET']],
    ['set KEEPTTL XX', (c) => c.set('k', 1, { KEEPTTL: true, XX: true }), ['SET', 'k', 1, 'KEEPTTL', 'XX']],
    ['getex PERSIST', (c) => c.getex('k', { PERSIST: true }), ['GETEX', 'k', 'PERSIST']],
    ['mset from an object', (c) => c.mset({ a: 1, b: 'x' }), ['MSET', 'a', 1, 'b', 'x']],
    ['mset from a Map', (c) => c.mset(new Map([['a', 1]])), ['MSET', 'a', 1]],
    ['mset from pairs', (c) => c.mset('a', 1, 'b', 2), ['MSET', 'a', 1, 'b', 2]],
    ['hset from an object', (c) => c.hset('h', { f: 'v' }), ['HSET', 'h', 'f', 'v']],
    ['hset field value', (c) => c.hset('h', 'f', 'v', 'g', 'w'), ['HSET', 'h', 'f', 'v', 'g', 'w']],
    ['expire with condition', (c) => c.expire('k', 10, 'GT'), ['EXPIRE', 'k', 10, 'GT']],
    ['copy', (c) => c.copy('a', 'b', { DB: 1, REPLACE: true }), ['COPY', 'a', 'b', 'DB', 1, 'REPLACE']],
    ['scan options', (c) => c.scan(0, { MATCH: 'u:*', COUNT: 100, TYPE: 'hash' }), ['SCAN', 0, 'MATCH', 'u:*', 'COUNT', 100, 'TYPE', 'hash']],
    ['blpop one key', (c) => c.blpop('q', 0), ['BLPOP', 'q', 0]],
    ['blmpop', (c) => c.blmpop(1, ['a', 'b'], 'RIGHT', 2), ['BLMPOP', 1, 2, 'a', 'b', 'RIGHT', 'COUNT', 2]],
    ['lpos', (c) => c.lpos('l', 'x', { RANK: -1, MAXLEN: 10 }), ['LPOS', 'l', 'x', 'RANK', -1, 'MAXLEN', 10]],
    ['zadd with flags', (c) => c.zadd('z', [{ score: 1, member: 'a' }, { score: 2, member: 'b' }], { GT: true, CH: true }), ['ZADD', 'z', 'GT', 'CH', 1, 'a', 2, 'b']],
    ['zaddIncr', (c) => c.zaddIncr('z', { score: 5, member: 'a' }, { XX: true }), ['ZADD', 'z', 'XX', 'INCR', 5, 'a']],
    [
      'zrange by score reversed with limit',
      (c) => c.zrange('z', '+inf', '(1', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 5 }, WITHSCORES: true }),
      ['ZRANGE', 'z', '+inf', '(1', 'BYSCORE', 'REV', 'LIMIT', 0, 5, 'WITHSCORES'],
    ],
    ['zunionstore', (c) => c.zunionstore('d', ['a', 'b'], { WEIGHTS: [1, 2], AGGREGATE: 'MAX' }), ['ZUNIONSTORE', 'd', 2, 'a', 'b', 'WEIGHTS', 1, 2, 'AGGREGATE', 'MAX']],
    ['xadd with trim', (c) => c.xadd('s', '*', { f: 'v' }, { NOMKSTREAM: true, MAXLEN: 100, approximate: true, LIMIT: 10 }), ['XADD', 's', 'NOMKSTREAM', 'MAXLEN', '~', 100, 'LIMIT', 10, '*', 'f', 'v']],
    ['xtrim MINID', (c) => c.xtrim('s', { MINID: '5-0' }), ['XTRIM', 's', 'MINID', '5-0']],
    ['xread', (c) => c.xread([['a', '0'], ['b', '$']], { COUNT: 1, BLOCK: 10 }), ['XREAD', 'COUNT', 1, 'BLOCK', 10, 'STREAMS', 'a', 'b', '0', '$']],
    ['xreadgroup', (c) => c.xreadgroup('g', 'c', { s: '>' }, { NOACK: true }), ['XREADGROUP', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 's', '>']],
    ['xpendingRange', (c) => c.xpendingRange('s', 'g', '-', '+', 10, { IDLE: 5, consumer: 'c' }), ['XPENDING', 's', 'g', 'IDLE', 5, '-', '+', 10, 'c']],
    ['xclaimJustid', (c) => c.xclaimJustid('s', 'g', 'c', 0, ['1-1'], { FORCE: true }), ['XCLAIM', 's', 'g', 'c', 0, '1-1', 'FORCE', 'JUSTID']],
    ['geosearch from member by box', (c) => c.geosearch('g', { member: 'm' }, { width: 1, height: 2, unit: 'km' }, { order: 'ASC', COUNT: 3, ANY: true }), ['GEOSEARCH', 'g', 'FROMMEMBER', 'm', 'BYBOX', 1, 2, 'km', 'ASC', 'COUNT', 3, 'ANY']],
    ['bitfield', (c) => c.bitfield('b', [{ op: 'OVERFLOW', behavior: 'SAT' }, { op: 'INCRBY', type: 'u8', offset: '#1', increment: 5 }]), ['BITFIELD', 'b', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '#1', 5]],
    ['bitcount range in bits', (c) => c.bitcount('b', { start: 0, end: 7, unit: 'BIT' }), ['BITCOUNT', 'b', 0, 7, 'BIT']],
    ['eval', (c) => c.eval('return 1', ['k'], ['a']), ['EVAL', 'return 1', 1, 'k', 'a']],
    ['configSet', (c) => c.configSet({ 'maxmemory-policy': 'allkeys-lru' }), ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']],
    ['clientKill', (c) => c.clientKill({ TYPE: 'pubsub', SKIPME: false }), ['CLIENT', 'KILL', 'TYPE', 'pubsub', 'SKIPME', 'no']],
    ['clientTracking', (c) => c.clientTracking(true, { BCAST: true, PREFIX: ['a:', 'b:'] }), ['CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a:', 'PREFIX', 'b:', 'BCAST']],
  ])('%s', async (_title, invoke, expected) => {
    expect(await argsOf(invoke)).toEqual(expected);
  });

  it.each<[string, (c: ArgsClient) => Promise<unknown>]>([
    ['mset with an odd count', (c) => c.mset('a', 1, 'b')],
    ['set with two expirations', (c) => c.set('k', 'v', { EX: 1, EXAT: 2 })],
    ['set with NX and XX', (c) => c.set('k', 'v', { NX: true, XX: true })],
    ['xtrim without a strategy', (c) => c.xtrim('s', {})],
    ['xadd with MAXLEN and MINID', (c) => c.xadd('s', '*', ['f', 'v'], { MAXLEN: 1, MINID: '1' })],
    ['zadd without members', (c) => c.zadd('z', [])],
    ['xread without streams', (c) => c.xread({})],
    ['clientKill without a filter', (c) => c.clientKill({ SKIPME: true })],
  ])('rejects %s with DataError before sending', async (_title, invoke) => {
    const client = new ArgsClient();
    await expect(invoke(client)).rejects.toBeInstanceOf(DataError);
    expect(client.sent).toHaveLength(0);
  });

  // Exact types (expect-type): a wider, narrower or `any` type fails `npm run typecheck`.
  it('gives each option form its precise result type', async () => {
    const c = new ArgsClient();
    c.replies = ['old', null, ['a', '1'], ['a'], null];
    expectTypeOf(await c.set('k', 'v', { GET: true })).toEqualTypeOf<string | null>();
    expectTypeOf(await c.set('k', 'v', { NX: true })).toEqualTypeOf<'OK' | null>();
    expectTypeOf(await c.zrange('z', 0, -1, { WITHSCORES: true })).toEqualTypeOf<ScoredMember[]>();
    expectTypeOf(await c.zrange('z', 0, -1)).toEqualTypeOf<string[]>();
    expectTypeOf(await c.xread({ s: '0' })).toEqualTypeOf<StreamMessages[] | null>();
    expectTypeOf(await c.withBuffers().get('k')).toEqualTypeOf<Buffer | null>();
    expectTypeOf(await c.withBuffers().hgetall('h')).toEqualTypeOf<Record<string, Buffer>>();
    expectTypeOf(await c.lpop('l', 2)).toEqualTypeOf<string[] | null>();
    expectTypeOf(await c.lpop('l')).toEqualTypeOf<string | null>();
    expectTypeOf(await c.get('k')).not.toBeAny();
  });

  it('types a plain boolean flag as both shapes, and returns the one the flag asked for', async () => {
    const read = async (withScores: boolean, count: number | undefined) => {
      const c = new ArgsClient();
      c.replies = [['a', '1'], ['x', 'y']];
      const range = await c.zrange('z', 0, -1, { WITHSCORES: withScores });
      const popped = await c.lpop('l', count);
      expectTypeOf(range).toEqualTypeOf<string[] | ScoredMember[]>();
      expectTypeOf(popped).toEqualTypeOf<string[] | string | null>();
      return { range, popped, sent: c.sent };
    };
    expect(await read(true, 2)).toEqual({
      range: [{ member: 'a', score: 1 }],
      popped: ['x', 'y'],
      sent: [['ZRANGE', 'z', 0, -1, 'WITHSCORES'], ['LPOP', 'l', 2]],
    });
    expect((await read(false, undefined)).sent).toEqual([['ZRANGE', 'z', 0, -1], ['LPOP', 'l']]);
  });
});

describe('defineScript', () => {
  const script = defineScript('return KEYS[1]', { numberOfKeys: 1, transform: (r) => String(r) });

  it('uses EVALSHA with the SHA1 of the script', async () => {
    const c = new ArgsClient();
    c.replies = ['k'];
    await expect(script.run(c, ['k'])).resolves.toBe('k');
    expect(c.sent).toEqual([['EVALSHA', script.sha1, 1, 'k']]);
    expect(script.sha1).toMatch(/^[0-9a-f]{40}$/);
  });

  it('falls back to EVAL once on NOSCRIPT', async () => {
    const c = new ArgsClient();
    c.replies = [new NoScriptError('NOSCRIPT No matching script.'), 'k'];
    await expect(script.run(c, ['k'])).resolves.toBe('k');
    expect(c.sent.map((a) => a[0])).toEqual(['EVALSHA', 'EVAL']);
  });

  it('passes other errors through and checks the key count', async () => {
    const c = new ArgsClient();
    c.replies = [new DataError('boom')];
    await expect(script.run(c, ['k'])).rejects.toThrow('boom');
    await expect(script.run(c, [])).rejects.toBeInstanceOf(DataError);
    expect(c.sent).toHaveLength(1);
  });
});
