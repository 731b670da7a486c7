import fc from 'fast-check';
import { DataError } from '../../lib/errors/index.js';
import { encodeCommand, encodeCommands, encodeForWrite, LARGE_STRING } from '../../lib/protocol/command-encoder.js';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('encodeCommand', () => {
  it('encodes a command as a RESP array of bulk strings, byte for byte', () => {
    expect(encodeCommand(['SET', 'key', 'value'])).toEqual(
      bytes('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n'),
    );
  });

  it('uses the UTF-8 byte length of strings, not their character count', () => {
    // 'é' is 2 bytes, '😀' is 4 bytes
    const out = encodeCommand(['SET', 'k', 'é😀']);
    expect(out).toEqual(Buffer.concat([bytes('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\n'), Buffer.from('é😀'), bytes('\r\n')]));
  });

  it('copies Buffer arguments verbatim, including CR, LF and non-UTF-8 bytes', () => {
    const binary = Buffer.from([0, 13, 10, 255, 128, 36]);
    expect(encodeCommand(['SET', Buffer.from('k'), binary])).toEqual(
      Buffer.concat([bytes('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\n'), binary, bytes('\r\n')]),
    );
  });

  it('encodes numbers and bigints in decimal', () => {
    expect(encodeCommand(['INCRBY', 'n', -42, 1.5, 0, 12345678901234567890n, -5n])).toEqual(
      bytes('*7\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$3\r\n-42\r\n$3\r\n1.5\r\n$1\r\n0\r\n$20\r\n12345678901234567890\r\n$2\r\n-5\r\n'),
    );
  });

  it('encodes empty strings and empty Buffers as zero-length bulk strings', () => {
    expect(encodeCommand(['SET', '', Buffer.alloc(0)])).toEqual(bytes('*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n'));
  });

  it('writes multi-digit length headers correctly', () => {
    for (const len of [9, 10, 99, 100, 999, 1000, 65535, 100000, 1234567]) {
      const value = 'x'.repeat(len);
      const out = encodeCommand(['SET', 'k', value]);
      const header = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${len}\r\n`;
      expect(out.length).toBe(header.length + len + 2);
      expect(out.subarray(0, header.length).toString('latin1')).toBe(header);
      expect(out.subarray(out.length - 2).toString('latin1')).toBe('\r\n');
    }
  });

  it('encodes a long argument list (more than 9 arguments) with the right array header', () => {
    const args = ['DEL', ...Array.from({ length: 120 }, (_, i) => `k${i}`)];
    const expected = `*121\r\n$3\r\nDEL\r\n` + args.slice(1).map((a) => `$${a.length}\r\n${a}\r\n`).join('');
    expect(encodeCommand(args).toString('latin1')).toBe(expected);
  });

  it.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['an object', { a: 1 }, 'an object'],
    ['an array', ['a'], 'an array'],
    ['a boolean', true, 'boolean'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['a symbol', Symbol('s'), 'symbol'],
    ['a function', () => 1, 'function'],
  ])('rejects %s with DataError naming the command and the position', (_label, bad, described) => {
    let caught: unknown;
    try {
      encodeCommand(['SET', 'secret-key', bad as unknown as RedisArg]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    const error = caught as DataError;
    expect(error.code).toBe('REDWIRE_ERR_DATA');
    expect(error.command).toBe('SET');
    expect(error.message).toContain('argument 2 of SET');
    expect(error.message).toContain(described);
    expect(error.message).not.toContain('secret-key');
  });

  it('rejects an empty command', () => {
    expect(() => encodeCommand([])).toThrow(DataError);
  });

  it('still encodes correctly after rejecting a command (no leftover state)', () => {
    expect(() => encodeCommand(['SET', Buffer.from('a'), undefined as unknown as RedisArg])).toThrow(DataError);
    expect(encodeCommand(['GET', 'k'])).toEqual(bytes('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'));
  });
});

describe('encodeCommands', () => {
  it('produces one buffer equal to the concatenation of each command', () => {
    const batch: RedisArg[][] = [['SET', 'a', 1], ['GET', 'a'], ['DEL', Buffer.from('a'), 'b'], ['PING']];
    const out = encodeCommands(batch);
    expect(out).toEqual(Buffer.concat(batch.map((c) => encodeCommand(c))));
  });

  it('returns an empty buffer for an empty batch', () => {
    expect(encodeCommands([]).length).toBe(0);
  });

  it('throws DataError for a bad argument anywhere in the batch and produces nothing', () => {
    const batch = [['SET', 'a', '1'], ['SET', 'b', {} as unknown as RedisArg]];
    expect(() => encodeCommands(batch)).toThrow(DataError);
    expect(() => encodeCommands([['GET', 'a'], []])).toThrow(/empty command/);
    expect(() => encodeCommands([['GET', 'a'], 'GET b' as unknown as RedisArg[]])).toThrow(DataError);
  });

  it('round-trips random arguments through the decoder', () => {
    const arg = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ maxLength: 100 }),
      fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt(),
    );
    fc.assert(
      fc.property(fc.array(fc.array(arg, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }), (batch) => {
        const replies: RespValue[] = [];
        const decoder = new RespDecoder({
          onReply: (v) => replies.push(v),
          onErrorReply: () => {
            throw new Error('unexpected error reply');
          },
          onPush: () => {
            throw new Error('unexpected push');
          },
          wantBuffers: () => true,
        });
        decoder.feed(encodeCommands(batch));
        expect(replies).toEqual(
          batch.map((args) => args.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8')))),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe('encodeForWrite', () => {
  const wire = (encoded: ReturnType<typeof encodeForWrite>): Buffer =>
    Buffer.isBuffer(encoded) ? encoded : Buffer.concat(encoded.segments.map((s) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s)));

  it('is one Buffer, the same bytes as encodeCommands, when no string is large', () => {
    const batch = [['SET', 'k', 'v'.repeat(LARGE_STRING - 1)], ['GET', 'k']];
    const encoded = encodeForWrite(batch);
    expect(Buffer.isBuffer(encoded)).toBe(true);
    expect(encoded).toEqual(encodeCommands(batch));
  });

  it('keeps large strings apart, as they are, with the bytes around them in order and the wire length counted', () => {
    const big = 'é'.repeat(LARGE_STRING); // 2 bytes each in UTF-8
    const other = 'x'.repeat(LARGE_STRING * 2);
    const batch = [['SET', 'a', big], ['SET', 'b', other, 'PX', 1000], ['GET', 'a']];
    const encoded = encodeForWrite(batch);
    if (Buffer.isBuffer(encoded)) throw new Error('expected segments');
    expect(encoded.segments.filter((s) => typeof s === 'string')).toEqual([big, other]);
    const bytes = wire(encoded);
    expect(bytes).toEqual(encodeCommands(batch));
    expect(encoded.byteLength).toBe(bytes.length);
  });

  it('stays correct when the output Buffer grows after a string was kept apart (non-ASCII after it)', () => {
    const batch = [['SET', 'k', 'y'.repeat(LARGE_STRING)], ['SET', 'k2', 'ü😀'.repeat(500)]];
    expect(wire(encodeForWrite(batch))).toEqual(encodeCommands(batch));
  });
});
