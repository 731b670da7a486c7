import fc from 'fast-check';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { cutAt } from '../support/splittings.js';

/*
 * Short strings inside aggregates are cut from one decoded text of the surrounding bytes (a per-parse window) rather
 * than decoded one by one. These check that the shortcut never changes a value: non-ASCII bytes, window edges,
 * a Buffer object refilled between feeds, and chunk cuts anywhere.
 */

const encodeArray = (items: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items.flatMap((b) => [Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')])]);

function decodeAll(chunks: Buffer[]): RespValue[] {
  const out: RespValue[] = [];
  const decoder = new RespDecoder({ onReply: (v) => out.push(v), onErrorReply: (e) => out.push(e), onPush: () => undefined });
  for (const c of chunks) decoder.feed(c);
  return out;
}

describe('short strings inside aggregates', () => {
  it('match a plain UTF-8 decode of each element, ASCII or not, across the 4 KiB window edges', () => {
    const items: Buffer[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = i % 97 === 0 ? `é${i}` : i % 89 === 0 ? '' : `f-${i}`;
      items.push(Buffer.from(text));
    }
    items.push(Buffer.from([0xff, 0x41]), Buffer.from([0xe2, 0x82]), Buffer.from('a'.repeat(12)), Buffer.from('b'.repeat(13)));
    const [reply] = decodeAll([encodeArray(items)]);
    expect(reply).toEqual(items.map((b) => b.toString('utf8')));
  });

  it('reuse a recent string only when its bytes match (more distinct strings than table slots, fed twice)', () => {
    const items = Array.from({ length: 3000 }, (_, i) => Buffer.from(`k${(i * 7919) % 100000}`));
    const shuffled = [...items].reverse();
    const out = decodeAll([encodeArray(items), encodeArray(shuffled), encodeArray(items)]);
    expect(out).toEqual([items, shuffled, items].map((list) => list.map((b) => b.toString())));
  });

  it('never reuse the text of an earlier feed when the caller refills the same Buffer', () => {
    const first = encodeArray([Buffer.from('aaaa'), Buffer.from('bbbb')]);
    const second = encodeArray([Buffer.from('cccc'), Buffer.from('dddd')]);
    const chunk = Buffer.from(first);
    const out: RespValue[] = [];
    const decoder = new RespDecoder({ onReply: (v) => out.push(v), onErrorReply: () => undefined, onPush: () => undefined });
    decoder.feed(chunk);
    second.copy(chunk);
    decoder.feed(chunk);
    expect(out).toEqual([
      ['aaaa', 'bbbb'],
      ['cccc', 'dddd'],
    ]);
  });

  it('give the same values whatever the chunk cuts (RESP3 maps included)', () => {
    const field = fc.oneof(fc.string({ maxLength: 14 }), fc.array(fc.constantFrom('a', 'é', '€', '\u{1F600}'), { maxLength: 6 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(fc.array(fc.tuple(field, field), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 6 }), (pairs, cuts) => {
        const body = pairs.flatMap(([k, v]) => [k, v].map((s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`));
        const wire = Buffer.from(`%${pairs.length}\r\n${body.join('')}*2\r\n${body.slice(0, 2).join('') || '$0\r\n\r\n$0\r\n\r\n'}`);
        const chunks = cutAt(wire, cuts.map((c) => c % (wire.length + 1)));
        expect(decodeAll(chunks)).toEqual(decodeAll([wire]));
        const [map] = decodeAll([wire]) as [Record<string, string>];
        const expected = Object.create(null) as Record<string, string>;
        for (const [k, v] of pairs) expected[k] = v;
        expect(map).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
