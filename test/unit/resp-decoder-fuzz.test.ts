import fc from 'fast-check';
import { ProtocolError, RedisError } from '../../lib/errors/index.js';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { cutAt } from '../support/splittings.js';

/*
 * Property tests. (a) Random RESP values, written by the small serializer below (independent of the decoder),
 * decode back to the expected values however the bytes are chunked. (b) Random and RESP-shaped garbage only ever
 * yields values or a ProtocolError, terminates, and decodes the same whole or chunked.
 */

type Model =
  | { t: 'simple'; v: string }
  | { t: 'error'; v: string }
  | { t: 'int'; v: number | bigint }
  | { t: 'bulk'; v: string | null }
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'double'; v: string }
  | { t: 'big'; v: bigint }
  | { t: 'bulkError'; v: string }
  | { t: 'verbatim'; format: string; v: string }
  | { t: 'array'; v: Model[] | null }
  | { t: 'set'; v: Model[] }
  | { t: 'map'; v: [Model, Model][] }
  | { t: 'attr'; attrs: [Model, Model][]; value: Model };

type Top = { t: 'reply'; v: Model } | { t: 'push'; v: Model[] } | { t: 'attrReply'; attrs: [Model, Model][]; v: Model };

const line = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, '_'));
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constant('a\r\nb'));
const keyModel: fc.Arbitrary<Model> = fc.oneof(
  line.map((v) => ({ t: 'simple' as const, v })),
  text.map((v) => ({ t: 'bulk' as const, v })),
  fc.integer().map((v) => ({ t: 'int' as const, v })),
);
const leaf: fc.Arbitrary<Model> = fc.oneof(
  line.map((v) => ({ t: 'simple' as const, v })),
  line.map((v) => ({ t: 'error' as const, v: `ERR ${v}` })),
  fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map((v) => ({ t: 'int' as const, v })),
  fc.option(text, { nil: null }).map((v) => ({ t: 'bulk' as const, v })),
  fc.constant({ t: 'null' as const }),
  fc.boolean().map((v) => ({ t: 'bool' as const, v })),
  fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('inf', '-inf', 'nan', '1.5e-3', '2E10'))
    .map((v) => ({ t: 'double' as const, v })),
  fc.bigInt().map((v) => ({ t: 'big' as const, v })),
  text.map((v) => ({ t: 'bulkError' as const, v: `WRONGTYPE ${v}` })),
  fc.tuple(fc.constantFrom('txt', 'mkd'), text).map(([format, v]) => ({ t: 'verbatim' as const, format, v })),
);
const { model } = fc.letrec<{ model: Model }>((tie) => ({
  model: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.option(fc.array(tie('model'), { maxLength: 4 }), { nil: null }).map((v) => ({ t: 'array' as const, v })),
    fc.array(tie('model'), { maxLength: 4 }).map((v) => ({ t: 'set' as const, v })),
    fc.array(fc.tuple(keyModel, tie('model')), { maxLength: 3 }).map((v) => ({ t: 'map' as const, v })),
    fc.tuple(fc.array(fc.tuple(keyModel, leaf), { maxLength: 2 }), tie('model'))
      .map(([attrs, value]) => ({ t: 'attr' as const, attrs, value })),
  ),
}));
const top: fc.Arbitrary<Top> = fc.oneof(
  model.map((v) => ({ t: 'reply' as const, v })),
  fc.array(model, { maxLength: 4 }).map((v) => ({ t: 'push' as const, v })),
  fc.tuple(fc.array(fc.tuple(keyModel, leaf), { maxLength: 2 }), model).map(([attrs, v]) => ({ t: 'attrReply' as const, attrs, v })),
);

// ---- the test-side serializer ----
function bulkBytes(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${type}${body.length}\r\n`), body, Buffer.from('\r\n')]);
}
function serialize(m: Model): Buffer {
  switch (m.t) {
    case 'simple': return Buffer.from(`+${m.v}\r\n`);
    case 'error': return Buffer.from(`-${m.v}\r\n`);
    case 'int': return Buffer.from(`:${m.v}\r\n`);
    case 'bulk': return m.v === null ? Buffer.from('$-1\r\n') : bulkBytes('$', Buffer.from(m.v));
    case 'null': return Buffer.from('_\r\n');
    case 'bool': return Buffer.from(m.v ? '#t\r\n' : '#f\r\n');
    case 'double': return Buffer.from(`,${m.v}\r\n`);
    case 'big': return Buffer.from(`(${m.v}\r\n`);
    case 'bulkError': return bulkBytes('!', Buffer.from(m.v));
    case 'verbatim': return bulkBytes('=', Buffer.from(`${m.format}:${m.v}`));
    case 'array': return m.v === null ? Buffer.from('*-1\r\n') : aggregate('*', m.v);
    case 'set': return aggregate('~', m.v);
    case 'map': return aggregate('%', m.v.flat(), m.v.length);
    case 'attr': return Buffer.concat([aggregate('|', m.attrs.flat(), m.attrs.length), serialize(m.value)]);
  }
}
function aggregate(type: string, items: Model[], count = items.length): Buffer {
  return Buffer.concat([Buffer.from(`${type}${count}\r\n`), ...items.map(serialize)]);
}
function serializeTop(x: Top): Buffer {
  if (x.t === 'reply') return serialize(x.v);
  if (x.t === 'push') return aggregate('>', x.v);
  return Buffer.concat([aggregate('|', x.attrs.flat(), x.attrs.length), serialize(x.v)]);
}

// ---- expected decoder output, as normalised events ----
type Norm = unknown;
type Ev = ['reply' | 'error' | 'push' | 'attribute', Norm];

function expectedValue(m: Model, buffers: boolean, events: Ev[]): Norm {
  const bulk = (s: string): Norm => (buffers ? Buffer.from(s) : s);
  switch (m.t) {
    case 'simple': return m.v;
    case 'error': return { $error: m.v };
    case 'int': return typeof m.v === 'bigint' && m.v >= -(2n ** 53n) + 1n && m.v <= 2n ** 53n - 1n ? Number(m.v) : m.v;
    case 'bulk': return m.v === null ? null : bulk(m.v);
    case 'null': return null;
    case 'bool': return m.v;
    case 'double': return m.v === 'inf' ? Infinity : m.v === '-inf' ? -Infinity : m.v === 'nan' ? NaN : Number(m.v);
    case 'big': return m.v;
    case 'bulkError': return { $error: m.v };
    case 'verbatim': return bulk(m.v);
    case 'array': return m.v === null ? null : m.v.map((x) => expectedValue(x, buffers, events));
    case 'set': return m.v.map((x) => expectedValue(x, buffers, events));
    case 'map': return expectedMap(m.v, buffers, events);
    case 'attr':
      events.push(['attribute', expectedMap(m.attrs, buffers, events)]);
      return expectedValue(m.value, buffers, events);
  }
}
function expectedMap(pairs: [Model, Model][], buffers: boolean, events: Ev[]): Norm {
  const out: Record<string, Norm> = {};
  for (const [k, v] of pairs) {
    const key = expectedValue(k, buffers, events);
    Object.defineProperty(out, Buffer.isBuffer(key) ? key.toString() : String(key), {
      value: expectedValue(v, buffers, events), enumerable: true, writable: true, configurable: true,
    });
  }
  return { $map: out };
}
function expectedEvents(x: Top, buffers: boolean): Ev[] {
  const events: Ev[] = [];
  if (x.t === 'push') {
    events.push(['push', x.v.map((m) => expectedValue(m, false, events))]);
    return events;
  }
  if (x.t === 'attrReply') events.push(['attribute', expectedMap(x.attrs, false, events)]);
  // Attributes at the top level come before the reply is known, so they always decode to strings.
  let reply = x.v;
  while (reply.t === 'attr') {
    events.push(['attribute', expectedMap(reply.attrs, false, events)]);
    reply = reply.value;
  }
  const v = expectedValue(reply, buffers, events);
  if (typeof v === 'object' && v !== null && '$error' in v) events.push(['error', v]);
  else events.push(['reply', v]);
  return events;
}

function normalize(v: RespValue): Norm {
  if (v instanceof RedisError) return { $error: v.message };
  if (Array.isArray(v)) return v.map(normalize);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    expect(Object.getPrototypeOf(v)).toBeNull();
    const out: Record<string, Norm> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, { value: normalize(v[k]), enumerable: true, writable: true, configurable: true });
    }
    return { $map: out };
  }
  return v;
}

function run(chunks: Buffer[], wantBuffers: () => boolean): { events: Ev[]; error: unknown } {
  const events: Ev[] = [];
  const decoder = new RespDecoder({
    onReply: (v) => events.push(['reply', normalize(v)]),
    onErrorReply: (e) => events.push(['error', normalize(e)]),
    onPush: (v) => events.push(['push', normalize(v)]),
    onAttribute: (v) => events.push(['attribute', normalize(v)]),
    wantBuffers,
  });
  let error: unknown;
  try {
    for (const chunk of chunks) decoder.feed(chunk);
  } catch (err) {
    error = err;
  }
  return { events, error };
}

/** `input` cut at arbitrary positions (taken modulo its length + 1; empty chunks allowed). */
function cut(input: Buffer, positions: number[]): Buffer[] {
  return cutAt(input, positions.map((p) => p % (input.length + 1)));
}

/** REDWIRE_FUZZ_SCALE=20 runs twenty times as many cases (for a soak run; the default keeps unit runs short). */
const SCALE = Math.max(1, Number(process.env.REDWIRE_FUZZ_SCALE ?? '1') || 1);

describe('RespDecoder properties', () => {
  it('decodes random RESP values back, however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(top, fc.boolean()), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.boolean(),
        (frames, positions, byteByByte) => {
          const input = Buffer.concat(frames.map(([f]) => serializeTop(f)));
          const expected = frames.flatMap(([f, buffers]) => expectedEvents(f, buffers));
          // wantBuffers is asked once per non-push top-level frame, in order.
          const answers = frames.filter(([f]) => f.t !== 'push').map(([, buffers]) => buffers);
          let asked = 0;
          const chunks = byteByByte ? [...input].map((b) => Buffer.from([b])) : cut(input, positions);
          const { events, error } = run(chunks, () => answers[asked++] ?? false);
          expect(error).toBeUndefined();
          expect(asked).toBe(answers.length);
          expect(events).toEqual(expected);
        },
      ),
      { numRuns: 400 * SCALE },
    );
  });

  const token = fc.constantFrom(
    '+', '-', ':', '$', '*', '_', '#', ',', '(', '!', '=', '%', '~', '|', '>', '\r\n', '\r', '\n', '-1', '0', '1', '2',
    '3', '12', 'OK', 't', 'f', 'inf', 'nan', 'e', '.', 'txt:', 'x', '\u00e9', '99999999999',
  );
  const garbage = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u)),
    fc.array(token, { maxLength: 60 }).map((t) => Buffer.from(t.join(''))),
  );

  it('turns random bytes only into values or a ProtocolError, the same whole and chunked', () => {
    fc.assert(
      fc.property(garbage, fc.array(fc.nat(), { maxLength: 20 }), (input, positions) => {
        const whole = run([input], () => false);
        const chunked = run(cut(input, positions), () => false);
        const byteByByte = run([...input].map((b) => Buffer.from([b])), () => false);
        for (const result of [whole, chunked, byteByByte]) {
          if (result.error !== undefined) expect(result.error).toBeInstanceOf(ProtocolError);
        }
        expect(chunked.events).toEqual(whole.events);
        expect(byteByByte.events).toEqual(whole.events);
        expect(chunked.error === undefined).toBe(whole.error === undefined);
        expect(byteByByte.error === undefined).toBe(whole.error === undefined);
      }),
      { numRuns: 1500 * SCALE },
    );
  });
});
