/**
 * Hostile input on both sides: replies whose map keys are `__proto__` / `constructor` / `prototype` cannot pollute
 * prototypes (decoder, RESP3 maps through the client, RESP2 pair lists turned into records), and arguments that
 * cannot be encoded fail with DataError before a single byte reaches the server; malformed URLs fail with a
 * ConfigError that says what is wrong and never shows the password (raw, encoded, decoded or in pieces).
 */
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { Connection } from '../../lib/connection/connection.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { inspect } from 'node:util';
import { ConfigError, DataError } from '../../lib/errors/index.js';
import { parseRedisUrl, redactRedisUrl } from '../../lib/connection/parse-redis-url.js';
import { defaultHandshake } from '../support/fake-redis-server.js';
import { cleanupAfterEach, fakeServerPerTest } from '../support/test-cleanup.js';

const defer = cleanupAfterEach();
const server = fakeServerPerTest(defer);

function bulk(s: string): string {
  return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}
/** A RESP3 map with hostile keys, one nested. */
const HOSTILE_MAP =
  '%4\r\n' +
  `${bulk('__proto__')}%1\r\n${bulk('polluted')}${bulk('yes')}` +
  `${bulk('constructor')}%1\r\n${bulk('prototype')}%1\r\n${bulk('polluted')}${bulk('yes')}` +
  `${bulk('prototype')}${bulk('x')}` +
  `${bulk('hasOwnProperty')}${bulk('x')}`;
/** The same keys as a RESP2 flat pair list (HGETALL, CONFIG GET, XRANGE fields, ...). */
const HOSTILE_PAIRS = `*6\r\n${bulk('__proto__')}${bulk('{"polluted":"yes"}')}${bulk('constructor')}${bulk('x')}${bulk('hasOwnProperty')}${bulk('x')}`;

function expectPrototypesClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  expect(typeof Object.prototype.hasOwnProperty).toBe('function');
  expect(Object.prototype.constructor).toBe(Object);
}

describe('hostile map keys cannot pollute prototypes', () => {
  it('the decoder keeps __proto__/constructor as plain own data keys', () => {
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => undefined, onPush: () => undefined });
    decoder.feed(Buffer.from(HOSTILE_MAP));
    expectPrototypesClean();
    const map = replies[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(map)).toBeNull();
    expect(Object.keys(map).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toEqual({ polluted: 'yes' });
  });

  it('RESP3 replies and RESP2 pair lists through the client (hgetall, config get, call) stay data', async () => {
    const s = await server((args, peer) => {
      if (args[0] === 'HELLO') {
        peer.write(`%3\r\n${bulk('server')}${bulk('redis')}${bulk('proto')}:3\r\n${bulk('version')}${bulk('7.0.0')}`);
      } else if (args[0] === 'HGETALL' && args[1] === 'resp3') peer.write(HOSTILE_MAP);
      else if (args[0] === 'HGETALL' || args[0] === 'CONFIG') peer.write(HOSTILE_PAIRS);
      else if (args[0] === 'XRANGE') peer.write(`*1\r\n*2\r\n${bulk('1-0')}${HOSTILE_PAIRS}`);
      else if (!defaultHandshake(args, peer)) peer.write(HOSTILE_MAP);
    });
    const client = new RedisClient({ host: s.host, port: s.port, lazyConnect: true });
    defer(() => client.disconnect());
    const results: unknown[] = [];
    results.push(await client.hgetall('resp3'));
    results.push(await client.hgetall('resp2'));
    results.push(await client.call('WHATEVER'));
    results.push(await client.call('CONFIG', 'GET', '*').catch((e: unknown) => e));
    results.push(await client.xrange('s', '-', '+').catch((e: unknown) => e));
    expectPrototypesClean();
    for (const result of results) {
      // Whatever shape each command returns, a hostile key must not have become a prototype.
      const walk = (value: unknown, depth: number): void => {
        if (value === null || typeof value !== 'object' || depth > 6) return;
        const proto = Object.getPrototypeOf(value) as unknown;
        expect(proto === null || proto === Object.prototype || proto === Array.prototype || value instanceof Error || Buffer.isBuffer(value)).toBe(true);
        for (const v of Object.values(value)) walk(v, depth + 1);
      };
      walk(result, 0);
    }
    const record = results[1] as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe('{"polluted":"yes"}');
  });
});

describe('arguments that cannot be encoded fail before any byte is sent', () => {
  const bad: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['an object', { a: 1 }],
    ['an array', ['a']],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a boolean', true],
  ];

  it.each(bad)('%s as an argument is a DataError and the server sees nothing', async (_label, value) => {
    const s = await server((args, peer) => {
      if (!defaultHandshake(args, peer)) peer.write('+OK\r\n');
    });
    const conn = new Connection({ host: s.host, port: s.port, lazyConnect: true });
    defer(() => conn.destroy());
    await conn.connect();
    const before = s.bytesIn;
    const failure = await conn.sendCommand(['SET', 'k', value as string]).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(DataError);
    expect((failure as DataError).command).toBe('SET');
    // The connection is still usable, and the next command is the first thing the server receives.
    await expect(conn.sendCommand(['PING'])).resolves.toBe('PONG');
    expect(s.clients[0]!.commands.at(-1)).toEqual(['PING']);
    expect(s.clients[0]!.commands.some((c) => c[0] === 'SET')).toBe(false);
    expect(s.bytesIn - before).toBe(Buffer.byteLength('*1\r\n$4\r\nPING\r\n'));
  });

  it('a pipeline with one bad argument: the bad command fails with DataError and is never sent', async () => {
    const s = await server((args, peer) => {
      if (!defaultHandshake(args, peer)) peer.write('+OK\r\n');
    });
    const client = new RedisClient({ host: s.host, port: s.port, lazyConnect: true });
    defer(() => client.disconnect());
    await client.connect();
    const results = await client.pipeline().set('a', '1').call('SET', 'b', { x: 1 } as unknown as string).set('c', '3').exec()
      .catch((e: unknown) => e);
    const sent = s.clients.flatMap((p) => p.commands).filter((c) => c[0] === 'SET');
    expect(sent.map((c) => c[1])).not.toContain('b');
    if (Array.isArray(results)) {
      expect(results[1]![0]).toBeInstanceOf(DataError);
    } else {
      expect(results).toBeInstanceOf(DataError);
    }
  });

  it('typed methods reject bad values with DataError, nothing written', async () => {
    const s = await server((args, peer) => {
      if (!defaultHandshake(args, peer)) peer.write('+OK\r\n');
    });
    const client = new RedisClient({ host: s.host, port: s.port, lazyConnect: true });
    defer(() => client.disconnect());
    await client.connect();
    const before = s.bytesIn;
    await expect(client.set('k', undefined as unknown as string)).rejects.toBeInstanceOf(DataError);
    await expect(client.hset('h', { f: { nested: true } } as unknown as Record<string, string>)).rejects.toBeInstanceOf(DataError);
    await expect(client.call('SET', 'k', Number.NaN)).rejects.toBeInstanceOf(DataError);
    expect(s.bytesIn).toBe(before);
  });
});

// ---- malformed URLs: the ConfigError says what is wrong and never shows the password in any form -------------------

/** The secret, its percent-encoded and -decoded forms, and its long pieces around the characters URLs split on. */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // not decodable
  }
  for (const piece of secret.split(/[@?#/:%&=\s]/)) if (piece.length >= 5) forms.add(piece);
  return [...forms];
}

function urlError(url: string): ConfigError {
  try {
    parseRedisUrl(url);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`parseRedisUrl accepted ${JSON.stringify(url)}`);
}

describe('malformed URLs never echo credentials', () => {
  const PW = 'hunter2-Secret';
  const AT = 'hun@ter2xyz@more';
  const Q = 'hun?ter2xyz';
  const SPW = 'sentinel-Secret-9';
  // [url, secrets it holds, what the message must say]
  const table: [string, string[], RegExp][] = [
    [` redis://u:${PW}@h`, [PW], /must not start with whitespace/],
    [`redis://u:${PW}@h:6379\n`, [PW], /must not end with whitespace/],
    [`redsi://u:${PW}@h`, [PW], /unknown scheme 'redsi:'/],
    [`redis1://u:${PW}@h`, [PW], /unknown scheme 'redis1:'/],
    [`redis:/u:${PW}@h`, [PW], /no scheme/],
    [`u:${PW}@h:6379`, [PW], /no scheme/],
    [`u:${PW}@h/x://y`, [PW], /no scheme/],
    [`redis://u:${AT}@h:notaport`, [AT], /unencoded '@'.*%40/],
    [`redis://u:${encodeURIComponent(AT)}@h:99999`, [AT], /port '99999'/],
    [`redis://u:${Q}@h:6379`, [Q], /'@' follows the '\?'.*%3F/],
    [`redis://u:${PW}%zz@h`, [PW], /malformed percent-encoding in the password/],
    [`redis://${PW}%zz@h`, [PW], /malformed percent-encoding in the username/],
    [`redis://default:${PW}`, [PW], /not a number from 1 to 65535/],
    [`redis+sentinel://u:${PW}@h1:26379,h2:x/m?sentinelPassword=${SPW}`, [PW, SPW], /port/],
    [`redis+sentinel://u:${PW}@h1/m?sentinelPassword=${SPW}&sentinelPassword=${SPW}`, [PW, SPW], /given twice/],
    [`redis://h?password=${PW}&bogus=1`, [PW], /unknown query option 'bogus'/],
    [`redis://h?pass%77ord=${PW}&password=${PW}`, [PW], /given twice/],
    [`redis://h?passwd=${PW}%zz`, [PW], /unknown query option 'passwd'/],
    [`redis://h?sentinelPassword=${SPW}`, [SPW], /only applies to redis\+sentinel/],
    [`redis://h?password=${PW}%zz`, [PW], /malformed percent-encoding/],
  ];

  it.each(table)('%j', (url, secrets, message) => {
    const error = urlError(url);
    expect(error.message).toMatch(message);
    const shown = [
      error.message, String(error), error.stack ?? '', JSON.stringify(error),
      inspect(error, { depth: 10 }), inspect(error, { depth: Infinity, showHidden: true }),
    ];
    for (const secret of secrets.flatMap(secretForms)) {
      for (const text of shown) expect(text).not.toContain(secret);
    }
  });

  it('redactRedisUrl masks credentials in any string, URL or not', () => {
    const cases: [string, string][] = [
      [` redis://u:${PW}@h`, ' redis://u:***@h'],
      [`redsi://u:${PW}@h:1`, 'redsi://u:***@h:1'],
      [`redis://u:${AT}@h:1/0`, 'redis://u:***@h:1/0'],
      [`redis://u:${Q}@h`, 'redis://u:***@h'],
      [`redis://${PW}@h`, 'redis://***@h'],
      [`u:${PW}@h`, 'u:***@h'],
      [`redis://h?db=1&password=${PW}&sentinelPassword=${SPW}`, 'redis://h?db=1&password=***&sentinelPassword=***'],
      [`redis://h?pass%77ord=${PW}`, 'redis://h?pass%77ord=***'],
      [`redis://default:${PW}`, 'redis://default:***'],
      ['redis://h:6379,[::1]:2/0?clientName=app', 'redis://h:6379,[::1]:2/0?clientName=app'],
    ];
    for (const [url, expected] of cases) expect(redactRedisUrl(url)).toBe(expected);
  });

  it('URLs with an unencoded @ or / in the password still parse (up to the last @)', () => {
    expect(parseRedisUrl(`redis://u:${AT}@h:1`)).toMatchObject({ username: 'u', password: AT, host: 'h', port: 1 });
    expect(parseRedisUrl(`redis://u:a/b@h`)).toMatchObject({ password: 'a/b', host: 'h' });
  });
});
