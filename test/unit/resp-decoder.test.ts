import {
  AuthenticationError,
  ProtocolError,
  RedisError,
  ResponseError,
  WrongTypeError,
} from '../../lib/errors/index.js';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { DecoderOptions, RespMap, RespValue } from '../../lib/protocol/resp-value.js';
import { splittings } from '../support/splittings.js';

type Event =
  | { reply: RespValue }
  | { error: { name: string; message: string } }
  | { push: RespValue[] }
  | { attribute: RespMap };

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function map(entries: [string, RespValue][]): RespMap {
  const m = Object.create(null) as RespMap;
  for (const [k, v] of entries) m[k] = v;
  return m;
}

/** Feeds the chunks to a fresh decoder and returns what came out, in order. */
function decode(chunks: Buffer[], options?: DecoderOptions, wantBuffers?: () => boolean): Event[] {
  const events: Event[] = [];
  const decoder = new RespDecoder(
    {
      onReply: (reply) => events.push({ reply }),
      onErrorReply: (error) => events.push({ error: { name: error.name, message: error.message } }),
      onPush: (push) => events.push({ push }),
      onAttribute: (attribute) => events.push({ attribute }),
      ...(wantBuffers === undefined ? {} : { wantBuffers }),
    },
    options,
  );
  for (const chunk of chunks) decoder.feed(chunk);
  return events;
}

function expectEverySplit(input: Buffer, expected: Event[], options?: DecoderOptions): void {
  for (const [how, chunks] of splittings(input)) {
    let events: Event[];
    try {
      events = decode(chunks, options);
    } catch (err) {
      throw new Error(`${how}: ${String(err)}`, { cause: err });
    }
    if (!this_equals(events, expected)) expect({ how, events }).toEqual({ how, events: expected });
  }
}

// Structural equality as jest sees it, without failing on the first split (so the failure names the split).
function this_equals(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

const fixtures: [string, string | Buffer, Event[]][] = [
  ['simple string', '+OK\r\n', [{ reply: 'OK' }]],
  ['empty simple string', '+\r\n', [{ reply: '' }]],
  ['error', '-ERR unknown command\r\n', [{ error: { name: 'ResponseError', message: 'ERR unknown command' } }]],
  ['WRONGTYPE error', '-WRONGTYPE Operation against a key\r\n',
    [{ error: { name: 'WrongTypeError', message: 'WRONGTYPE Operation against a key' } }]],
  ['integer', ':1000\r\n', [{ reply: 1000 }]],
  ['negative integer', ':-42\r\n', [{ reply: -42 }]],
  ['zero', ':0\r\n', [{ reply: 0 }]],
  ['integer beyond 2^53 as exact bigint', ':9007199254740993\r\n', [{ reply: 9007199254740993n }]],
  ['int64 min as bigint', ':-9223372036854775808\r\n', [{ reply: -9223372036854775808n }]],
  ['bulk string', '$3\r\nbar\r\n', [{ reply: 'bar' }]],
  ['empty bulk string', '$0\r\n\r\n', [{ reply: '' }]],
  ['bulk string containing CRLF', '$4\r\na\r\nb\r\n', [{ reply: 'a\r\nb' }]],
  ['UTF-8 bulk string', Buffer.concat([bytes('$7\r\n'), bytes('é😀x'), bytes('\r\n')]), [{ reply: 'é😀x' }]],
  ['long bulk string', `$30\r\n${'0123456789'.repeat(3)}\r\n`, [{ reply: '0123456789'.repeat(3) }]],
  ['null bulk string', '$-1\r\n', [{ reply: null }]],
  ['null array', '*-1\r\n', [{ reply: null }]],
  ['RESP3 null', '_\r\n', [{ reply: null }]],
  ['array', '*3\r\n$1\r\na\r\n:1\r\n+b\r\n', [{ reply: ['a', 1, 'b'] }]],
  ['empty array', '*0\r\n', [{ reply: [] }]],
  ['nested arrays', '*3\r\n*2\r\n:1\r\n*0\r\n*1\r\n$-1\r\n+x\r\n', [{ reply: [[1, []], [null], 'x'] }]],
  ['booleans', '#t\r\n#f\r\n', [{ reply: true }, { reply: false }]],
  ['double', ',1.5\r\n', [{ reply: 1.5 }]],
  ['negative double with exponent', ',-2.5e-3\r\n', [{ reply: -0.0025 }]],
  ['integral double', ',10\r\n', [{ reply: 10 }]],
  ['double exponent upper case', ',1E10\r\n', [{ reply: 1e10 }]],
  ['double inf', ',inf\r\n', [{ reply: Infinity }]],
  ['double -inf', ',-inf\r\n', [{ reply: -Infinity }]],
  ['double nan', ',nan\r\n', [{ reply: NaN }]],
  ['big number', '(3492890328409238509324850943850943825024385\r\n',
    [{ reply: 3492890328409238509324850943850943825024385n }]],
  ['negative big number', '(-12\r\n', [{ reply: -12n }]],
  ['bulk error', '!21\r\nSYNTAX invalid syntax\r\n', [{ error: { name: 'ResponseError', message: 'SYNTAX invalid syntax' } }]],
  ['verbatim string drops the format', '=15\r\ntxt:Some string\r\n', [{ reply: 'Some string' }]],
  ['empty verbatim string', '=4\r\nmkd:\r\n', [{ reply: '' }]],
  ['map', '%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n:2\r\n', [{ reply: map([['first', 1], ['second', 2]]) }]],
  ['map with non-string keys', '%3\r\n:1\r\n+a\r\n#t\r\n+b\r\n,1.5\r\n+c\r\n', [{ reply: map([['1', 'a'], ['true', 'b'], ['1.5', 'c']]) }]],
  ['empty map', '%0\r\n', [{ reply: map([]) }]],
  ['set', '~3\r\n+a\r\n:1\r\n#f\r\n', [{ reply: ['a', 1, false] }]],
  ['map of arrays and maps', '%1\r\n+k\r\n*2\r\n%1\r\n+x\r\n:1\r\n~0\r\n',
    [{ reply: map([['k', [map([['x', 1]]), []]]]) }]],
  ['push', '>3\r\n$7\r\nmessage\r\n$3\r\nch1\r\n$5\r\nhello\r\n', [{ push: ['message', 'ch1', 'hello'] }]],
  ['empty push', '>0\r\n', [{ push: [] }]],
  ['attribute then its reply',
    '|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n',
    [{ attribute: map([['key-popularity', map([['a', 0.1923], ['b', 0.0012]])]]) }, { reply: [2039123, 9543892] }]],
  ['attribute nested inside an array is not an element', '*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n+b\r\n',
    [{ attribute: map([['ttl', 3600]]) }, { reply: [1, 'b'] }]],
  ['empty attribute', '|0\r\n+OK\r\n', [{ attribute: map([]) }, { reply: 'OK' }]],
  ['pushes interleaved with replies', '+a\r\n>2\r\n+invalidate\r\n*1\r\n+k\r\n:2\r\n>1\r\n+x\r\n$1\r\nb\r\n',
    [{ reply: 'a' }, { push: ['invalidate', ['k']] }, { reply: 2 }, { push: ['x'] }, { reply: 'b' }]],
];

describe('RespDecoder: every type, fed whole, byte by byte and split at every position', () => {
  it.each(fixtures)('%s', (_name, input, expected) => {
    expectEverySplit(typeof input === 'string' ? bytes(input) : input, expected);
  });

  it('decodes many pipelined replies of all types in one stream', () => {
    const all = fixtures.map(([, input]) => (typeof input === 'string' ? bytes(input) : input));
    const expected = fixtures.flatMap(([, , events]) => events);
    expectEverySplit(Buffer.concat(all), expected);
  });
});

describe('RespDecoder: errors', () => {
  it('delivers a top-level error to onErrorReply as the mapped class, never to onReply', () => {
    const replies: RespValue[] = [];
    const errors: RedisError[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: (e) => errors.push(e), onPush: () => {} });
    decoder.feed(bytes('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-WRONGPASS invalid\r\n'));
    expect(replies).toEqual([]);
    expect(errors[0]).toBeInstanceOf(WrongTypeError);
    expect(errors[1]).toBeInstanceOf(AuthenticationError);
  });

  it('keeps an error nested in an aggregate (EXEC results) as a RedisError element', () => {
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => { throw new Error('no'); }, onPush: () => {} });
    decoder.feed(bytes('*3\r\n+OK\r\n-WRONGTYPE bad\r\n!7\r\nERR bad\r\n'));
    const [ok, nested, bulkError] = replies[0] as RespValue[];
    expect(ok).toBe('OK');
    expect(nested).toBeInstanceOf(WrongTypeError);
    expect((nested as RedisError).message).toBe('WRONGTYPE bad');
    expect(bulkError).toBeInstanceOf(ResponseError);
    expect((bulkError as ResponseError).prefix).toBe('ERR');
  });
});

describe('RespDecoder: maps cannot pollute prototypes', () => {
  it('stores __proto__ and constructor keys as plain data in a null-prototype object', () => {
    const input = '%3\r\n$9\r\n__proto__\r\n%1\r\n$8\r\npolluted\r\n#t\r\n$11\r\nconstructor\r\n+x\r\n+toString\r\n:1\r\n';
    for (const [, chunks] of splittings(bytes(input))) {
      const [event] = decode(chunks) as [{ reply: RespMap }];
      const m = event.reply;
      expect(Object.getPrototypeOf(m)).toBeNull();
      expect(Object.keys(m)).toEqual(['__proto__', 'constructor', 'toString']);
      expect(Object.getOwnPropertyDescriptor(m, '__proto__')?.value).toEqual(map([['polluted', true]]));
      expect(m.constructor).toBe('x');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    }
  });
});

describe('RespDecoder: Buffer replies', () => {
  it('asks wantBuffers once per top-level non-push frame, even when fed byte by byte', () => {
    const input = bytes('$3\r\nbar\r\n>1\r\n$1\r\np\r\n*2\r\n$1\r\na\r\n+s\r\n|1\r\n+k\r\n$1\r\nv\r\n$1\r\nz\r\n');
    for (const [how, chunks] of splittings(input)) {
      const answers = [true, false, true];
      let asked = 0;
      const events = decode(chunks, {}, () => answers[asked++] ?? false);
      expect({ how, asked }).toEqual({ how, asked: 3 });
      expect(events).toEqual([
        { reply: Buffer.from('bar') },
        { push: ['p'] },
        // simple strings stay strings; bulk strings follow the frame's choice
        { reply: ['a', 's'] },
        { attribute: map([['k', 'v']]) },
        { reply: Buffer.from('z') },
      ]);
    }
  });

  it('returns Buffers that stay valid after the input chunk is overwritten', () => {
    const chunk = bytes('$3\r\nbar\r\n=8\r\ntxt:abcd\r\n');
    const events = decode([chunk], {}, () => true);
    chunk.fill(0);
    expect(events).toEqual([{ reply: Buffer.from('bar') }, { reply: Buffer.from('abcd') }]);
  });

  it('decodes non-UTF-8 bytes intact as Buffers', () => {
    const body = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]);
    const input = Buffer.concat([bytes('$5\r\n'), body, bytes('\r\n')]);
    for (const [, chunks] of splittings(input)) expect(decode(chunks, {}, () => true)).toEqual([{ reply: body }]);
  });

  it('decodes push frames as Buffers only with pushBuffers', () => {
    const input = bytes('>2\r\n$1\r\na\r\n+b\r\n');
    expect(decode([input], { pushBuffers: true })).toEqual([{ push: [Buffer.from('a'), 'b'] }]);
    expect(decode([input], {}, () => true)).toEqual([{ push: ['a', 'b'] }]);
  });
});

describe('RespDecoder: large and fragmented input', () => {
  it('assembles a large bulk string fed one byte at a time', () => {
    const size = 200_000;
    const input = Buffer.concat([bytes(`$${size}\r\n`), Buffer.alloc(size, 'y'), bytes('\r\n')]);
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => {}, onPush: () => {} });
    for (let i = 0; i < input.length; i++) decoder.feed(input.subarray(i, i + 1));
    expect(replies).toEqual(['y'.repeat(size)]);
  });

  it('assembles a long simple string and a large array fed in small chunks', () => {
    const count = 20_000;
    const input = Buffer.concat([
      bytes(`+${'s'.repeat(100_000)}\r\n`),
      bytes(`*${count}\r\n`),
      bytes(':7\r\n'.repeat(count)),
    ]);
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => {}, onPush: () => {} });
    for (let i = 0; i < input.length; i += 3) decoder.feed(input.subarray(i, i + 3));
    expect(replies).toEqual(['s'.repeat(100_000), new Array(count).fill(7)]);
  });

  it('accepts a bulk string exactly at maxBulkLength', () => {
    expect(decode([bytes('$5\r\nhello\r\n')], { maxBulkLength: 5 })).toEqual([{ reply: 'hello' }]);
  });

  it('resumes correctly after reset() in the middle of a frame', () => {
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => {}, onPush: () => {} });
    decoder.feed(bytes('*2\r\n$5\r\nhel'));
    decoder.reset();
    decoder.feed(bytes('+fresh\r\n'));
    expect(replies).toEqual(['fresh']);
  });
});

describe('RespDecoder: malformed input is a ProtocolError', () => {
  const malformed: [string, string, DecoderOptions?][] = [
    ['unknown type byte', 'X\r\n'],
    ['non-digit in a length', '$3a\r\nbar\r\n'],
    ['empty length', '$\r\n'],
    ['negative length other than -1', '$-2\r\n'],
    ['negative count other than -1', '*-5\r\n'],
    ['null length with extra digits', '$-10\r\n'],
    ['bulk string longer than declared', '$3\r\nbarX\r\n'],
    ['bulk string missing LF', '$3\r\nbar\rX'],
    ['length over maxBulkLength', '$6\r\nhello!\r\n', { maxBulkLength: 5 }],
    ['aggregate count over maxBulkLength', '*6\r\n', { maxBulkLength: 5 }],
    ['default 512 MiB limit', '$536870913\r\n'],
    ['absurd length', '$99999999999999999999999\r\n'],
    ['non-digit in an integer', ':12a\r\n'],
    ['empty integer', ':\r\n'],
    ['sign-only integer', ':-\r\n'],
    ['integer with more than 19 digits', ':12345678901234567890\r\n'],
    ['LF without CR in a simple string', '+OK\n'],
    ['CR not followed by LF after an integer', ':1\rx'],
    ['bad boolean', '#x\r\n'],
    ['boolean without CRLF', '#tt\r\n'],
    ['null with payload', '_x\r\n'],
    ['word in a double', ',abc\r\n'],
    ['incomplete exponent in a double', ',1e\r\n'],
    ['Infinity spelled the JavaScript way', ',Infinity\r\n'],
    ['empty double', ',\r\n'],
    ['non-digit in a big number', '(12a\r\n'],
    ['sign-only big number', '(-\r\n'],
    ['verbatim string too short for its format', '=2\r\nab\r\n'],
    ['verbatim string without a colon', '=6\r\ntxtabc\r\n'],
    ['null map', '%-1\r\n'],
    ['null bulk error', '!-1\r\n'],
    ['unknown type inside an array', '*2\r\n:1\r\n@\r\n'],
    ['deep nesting', '*1\r\n'.repeat(1100)],
  ];

  // Every row gets its options, so jest does not take the third parameter for a `done` callback.
  it.each(malformed.map(([name, input, options]) => [name, input, options ?? {}] as const))('%s', (_name, input, options) => {
    const ways: [string, Buffer[]][] = [['whole', [bytes(input)]], ['byte by byte', [...bytes(input)].map((b) => Buffer.from([b]))]];
    for (const [how, chunks] of ways) {
      let caught: unknown;
      try {
        decode(chunks, options);
      } catch (err) {
        caught = err;
      }
      expect({ how, isProtocolError: caught instanceof ProtocolError }).toEqual({ how, isProtocolError: true });
      expect((caught as Error).message).toMatch(/stream offset \d+.*connection will be closed/s);
    }
  });

  it('names the wrong byte and its offset in the stream', () => {
    expect(() => decode([bytes('+OK\r\n'), bytes(':1\r\n$3x\r\n')])).toThrow(
      /unexpected 0x78 \('x'\), expected a digit in a length, at stream offset 11/,
    );
  });

  it('refuses further input after a ProtocolError until reset()', () => {
    const replies: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => replies.push(v), onErrorReply: () => {}, onPush: () => {} });
    expect(() => decoder.feed(bytes('?\r\n'))).toThrow(ProtocolError);
    expect(() => decoder.feed(bytes('+OK\r\n'))).toThrow(ProtocolError);
    expect(replies).toEqual([]);
    decoder.reset();
    decoder.feed(bytes('+OK\r\n'));
    expect(replies).toEqual(['OK']);
  });

  it('propagates an exception thrown by a handler and then refuses input', () => {
    const boom = new Error('handler failed');
    const decoder = new RespDecoder({ onReply: () => { throw boom; }, onErrorReply: () => {}, onPush: () => {} });
    expect(() => decoder.feed(bytes('+OK\r\n'))).toThrow(boom);
    expect(() => decoder.feed(bytes('+OK\r\n'))).toThrow(ProtocolError);
  });
});
