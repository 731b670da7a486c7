import { CommandsBase, type CommandCall } from '../../lib/client/commands/index.js';
import type { RespMap, RespValue } from '../../lib/protocol/resp-value.js';

/** Captures the CommandCall a method builds, so its transform can be fed RESP2 and RESP3 shapes without a server. */
class CaptureClient extends CommandsBase {
  last: CommandCall<unknown> | undefined;
  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.last = call as CommandCall<unknown>;
    return new Promise<T>(() => undefined);
  }
}

const map = (entries: Record<string, RespValue>): RespMap => Object.assign(Object.create(null) as RespMap, entries);

type Case = [title: string, invoke: (c: CaptureClient) => unknown, resp2: RespValue, resp3: RespValue, expected: unknown];

const entry2 = ['1-1', ['f', 'v', 'g', 'w']];

const cases: Case[] = [
  ['hgetall: flat array vs map', (c) => c.hgetall('h'), ['a', '1', 'b', '2'], map({ a: '1', b: '2' }), { a: '1', b: '2' }],
  ['hgetall: missing key', (c) => c.hgetall('h'), [], map({}), {}],
  ['zscore: bulk text vs double', (c) => c.zscore('z', 'm'), '1.5', 1.5, 1.5],
  ['zscore: inf', (c) => c.zscore('z', 'm'), 'inf', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  ['zscore: missing', (c) => c.zscore('z', 'm'), null, null, null],
  ['zincrby', (c) => c.zincrby('z', 2, 'm'), '3', 3, 3],
  ['zmscore', (c) => c.zmscore('z', 'a', 'b'), ['1', null], [1, null], [1, null]],
  [
    'zrange WITHSCORES: flat vs pairs',
    (c) => c.zrange('z', 0, -1, { WITHSCORES: true }),
    ['a', '1', 'b', '-inf'],
    [['a', 1], ['b', Number.NEGATIVE_INFINITY]],
    [{ member: 'a', score: 1 }, { member: 'b', score: Number.NEGATIVE_INFINITY }],
  ],
  ['zrange plain', (c) => c.zrange('z', 0, -1), ['a', 'b'], ['a', 'b'], ['a', 'b']],
  ['zpopmin without count: RESP3 gives one flat pair', (c) => c.zpopmin('z'), ['a', '1'], ['a', 1], [{ member: 'a', score: 1 }]],
  [
    'zpopmax with count',
    (c) => c.zpopmax('z', 2),
    ['b', '2', 'a', '1'],
    [['b', 2], ['a', 1]],
    [{ member: 'b', score: 2 }, { member: 'a', score: 1 }],
  ],
  ['bzpopmin', (c) => c.bzpopmin('z', 1), ['z', 'a', '1'], ['z', 'a', 1], { key: 'z', member: 'a', score: 1 }],
  ['bzpopmin timeout', (c) => c.bzpopmin('z', 1), null, null, null],
  ['zmpop', (c) => c.zmpop(['z'], 'MIN'), ['z', [['a', '1']]], ['z', [['a', 1]]], { key: 'z', members: [{ member: 'a', score: 1 }] }],
  [
    'zscan',
    (c) => c.zscan('z', 0),
    ['0', ['a', '1']],
    ['0', ['a', '1']],
    ['0', [{ member: 'a', score: 1 }]],
  ],
  [
    'hrandfield WITHVALUES: flat vs pairs',
    (c) => c.hrandfieldWithValues('h', 2),
    ['a', '1', 'b', '2'],
    [['a', '1'], ['b', '2']],
    [['a', '1'], ['b', '2']],
  ],
  ['hscan', (c) => c.hscan('h', '0'), ['7', ['a', '1']], ['7', ['a', '1']], ['7', [['a', '1']]]],
  ['blpop', (c) => c.blpop('q', 0), ['q', 'x'], ['q', 'x'], ['q', 'x']],
  ['lmpop', (c) => c.lmpop(['q'], 'LEFT', 2), ['q', ['a', 'b']], ['q', ['a', 'b']], { key: 'q', elements: ['a', 'b'] }],
  ['lpos with COUNT', (c) => c.lpos('l', 'x', { COUNT: 0 }), [0, 2], [0, 2], [0, 2]],
  ['lpos missing', (c) => c.lpos('l', 'x'), null, null, null],
  ['spop with count', (c) => c.spop('s', 2), ['a'], ['a'], ['a']],
  ['smismember', (c) => c.smismember('s', 'a', 'b'), [1, 0], [1, 0], [true, false]],
  ['expire', (c) => c.expire('k', 10, 'NX'), 0, 0, false],
  ['incrbyfloat', (c) => c.incrbyfloat('k', 1.5), '2.5', '2.5', 2.5],
  ['set NX not set', (c) => c.set('k', 'v', { NX: true }), null, null, null],
  ['set GET', (c) => c.set('k', 'v', { GET: true }), 'old', 'old', 'old'],
  ['scan', (c) => c.scan('0', { MATCH: 'a*' }), ['12', ['a1']], ['12', ['a1']], ['12', ['a1']]],
  ['configGet', (c) => c.configGet('maxmemory'), ['maxmemory', '0'], map({ maxmemory: '0' }), { maxmemory: '0' }],
  ['pubsubNumsub', (c) => c.pubsubNumsub('a', 'b'), ['a', 1, 'b', 0], ['a', 1, 'b', 0], { a: 1, b: 0 }],
  ['time', (c) => c.time(), ['1700000000', '123'], ['1700000000', '123'], { seconds: 1700000000, microseconds: 123 }],
  ['geodist', (c) => c.geodist('g', 'a', 'b', 'km'), '166.2742', 166.2742, 166.2742],
  [
    'geopos',
    (c) => c.geopos('g', 'a', 'missing'),
    [['13.36', '38.11'], null],
    [[13.36, 38.11], null],
    [{ longitude: 13.36, latitude: 38.11 }, null],
  ],
  [
    'geosearch WITHDIST WITHCOORD',
    (c) => c.geosearch('g', { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { WITHDIST: true, WITHCOORD: true }),
    [['Palermo', '190.44', ['13.36', '38.11']]],
    [['Palermo', 190.44, [13.36, 38.11]]],
    [{ member: 'Palermo', distance: 190.44, coordinates: { longitude: 13.36, latitude: 38.11 } }],
  ],
  ['xrange', (c) => c.xrange('s'), [entry2], [entry2], [{ id: '1-1', fields: { f: 'v', g: 'w' } }]],
  [
    'xread: array of [name, entries] vs map',
    (c) => c.xread({ s: '0' }),
    [['s', [entry2]]],
    map({ s: [entry2] }),
    [{ name: 's', messages: [{ id: '1-1', fields: { f: 'v', g: 'w' } }] }],
  ],
  ['xread timeout', (c) => c.xread({ s: '$' }, { BLOCK: 10 }), null, null, null],
  [
    'xreadgroup with a deleted pending entry',
    (c) => c.xreadgroup('g', 'c', { s: '0' }),
    [['s', [['1-1', null]]]],
    map({ s: [['1-1', null]] }),
    [{ name: 's', messages: [{ id: '1-1', fields: {} }] }],
  ],
  [
    'xpending summary',
    (c) => c.xpending('s', 'g'),
    [2, '1-1', '2-1', [['alice', '2']]],
    [2, '1-1', '2-1', [['alice', '2']]],
    { count: 2, first: '1-1', last: '2-1', consumers: [{ name: 'alice', count: 2 }] },
  ],
  ['xpending empty', (c) => c.xpending('s', 'g'), [0, null, null, null], [0, null, null, null], { count: 0, first: null, last: null, consumers: [] }],
  [
    'xautoclaim',
    (c) => c.xautoclaim('s', 'g', 'c', 0, '0'),
    ['0-0', [entry2], []],
    ['0-0', [entry2], []],
    { nextId: '0-0', entries: [{ id: '1-1', fields: { f: 'v', g: 'w' } }], deletedIds: [] },
  ],
  [
    'xinfoGroups: flat lists vs maps',
    (c) => c.xinfoGroups('s'),
    [['name', 'g', 'consumers', 1, 'pending', 0, 'last-delivered-id', '1-1', 'entries-read', 1, 'lag', 0]],
    [map({ name: 'g', consumers: 1, pending: 0, 'last-delivered-id': '1-1', 'entries-read': 1, lag: 0 })],
    [{ name: 'g', consumers: 1, pending: 0, lastDeliveredId: '1-1', entriesRead: 1, lag: 0 }],
  ],
  [
    'role master',
    (c) => c.role(),
    ['master', 42, [['127.0.0.1', '6401', '40']]],
    ['master', 42, [['127.0.0.1', '6401', '40']]],
    { role: 'master', replicationOffset: 42, replicas: [{ host: '127.0.0.1', port: 6401, offset: 40 }] },
  ],
  [
    'role replica',
    (c) => c.role(),
    ['slave', '127.0.0.1', 6400, 'connected', 42],
    ['slave', '127.0.0.1', 6400, 'connected', 42],
    { role: 'replica', masterHost: '127.0.0.1', masterPort: 6400, state: 'connected', offset: 42 },
  ],
  ['role sentinel', (c) => c.role(), ['sentinel', ['mymaster']], ['sentinel', ['mymaster']], { role: 'sentinel', masterNames: ['mymaster'] }],
];

describe('typed method replies are the same JS value in RESP2 and RESP3', () => {
  it.each(cases)('%s', (_title, invoke, resp2, resp3, expected) => {
    const client = new CaptureClient();
    void invoke(client);
    const transform = client.last?.transform;
    expect(transform).toBeDefined();
    expect(transform?.(resp2)).toEqual(expected);
    expect(transform?.(resp3)).toEqual(expected);
  });

  it('parses INFO into sections and keeps the raw text', () => {
    const client = new CaptureClient();
    void client.info();
    const raw = '# Server\r\nredis_version:7.0.15\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n';
    expect(client.last?.transform?.(raw)).toEqual({
      raw,
      sections: { server: { redis_version: '7.0.15' }, keyspace: { db0: 'keys=1,expires=0,avg_ttl=0' } },
    });
  });

  it('parses CLIENT LIST lines into records', () => {
    const client = new CaptureClient();
    void client.clientList();
    const reply = 'id=3 addr=127.0.0.1:5000 name=a db=0 cmd=client|list\nid=4 addr=127.0.0.1:5001 name= db=1 cmd=get\n';
    expect(client.last?.transform?.(reply)).toEqual([
      { id: '3', addr: '127.0.0.1:5000', name: 'a', db: '0', cmd: 'client|list' },
      { id: '4', addr: '127.0.0.1:5001', name: '', db: '1', cmd: 'get' },
    ]);
  });

  it('keeps Buffer values as Buffers and uses text for record keys in buffer mode', () => {
    const client = new CaptureClient();
    void client.withBuffers().hgetall('h');
    const value = Buffer.from([0xff, 0x00]);
    const result = client.last?.transform?.([Buffer.from('f'), value]) as Record<string, Buffer>;
    expect(Object.keys(result)).toEqual(['f']);
    expect(result['f']).toBe(value);
    expect(client.last?.returnBuffers).toBe(true);
  });

  it('dump always asks for a Buffer reply', () => {
    const client = new CaptureClient();
    void client.dump('k');
    expect(client.last?.returnBuffers).toBe(true);
  });

  it('a field named __proto__ is plain data', () => {
    const client = new CaptureClient();
    void client.hgetall('h');
    const result = client.last?.transform?.(['__proto__', 'x']) as Record<string, string>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(result['__proto__']).toBe('x');
  });
});
