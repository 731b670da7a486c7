import { ProtocolError } from '../../lib/errors/index.js';
import { RespDecoder } from '../../lib/protocol/resp-decoder.js';
import type { RespMap, RespValue } from '../../lib/protocol/resp-value.js';
import { splittings } from '../support/splittings.js';

/*
 * Frames where RESP3 does not allow them are ProtocolErrors. Decoding a push nested in a reply as an element would
 * leave the reply's real last element over as a reply of its own: every later reply would reach the wrong caller.
 */

type Event = { reply: RespValue } | { error: string } | { push: RespValue[] } | { attribute: RespMap };

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function map(entries: [string, RespValue][]): RespMap {
  const m = Object.create(null) as RespMap;
  for (const [k, v] of entries) m[k] = v;
  return m;
}

/** Feeds the chunks to a fresh decoder; returns the events and what feed() threw (undefined if nothing). */
function run(chunks: Buffer[]): { events: Event[]; thrown: unknown } {
  const events: Event[] = [];
  const decoder = new RespDecoder({
    onReply: (reply) => events.push({ reply }),
    onErrorReply: (error) => events.push({ error: error.message }),
    onPush: (push) => events.push({ push }),
    onAttribute: (attribute) => events.push({ attribute }),
  });
  try {
    for (const chunk of chunks) decoder.feed(chunk);
  } catch (thrown) {
    return { events, thrown };
  }
  return { events, thrown: undefined };
}

const misplaced: [string, string, RegExp][] = [
  ['a push inside an array', '*2\r\n:1\r\n>2\r\n+invalidate\r\n*1\r\n+k\r\n:2\r\n', /push frame inside an aggregate/],
  ['an empty push inside an array', '*2\r\n:1\r\n>0\r\n:2\r\n', /push frame inside an aggregate/],
  ['a push as the first element of an array', '*1\r\n>1\r\n:1\r\n', /push frame inside an aggregate/],
  ['a push inside a push', '>2\r\n+message\r\n>1\r\n+x\r\n', /push frame inside an aggregate/],
  ['a push as a map key', '%1\r\n>1\r\n+x\r\n+v\r\n', /push frame inside an aggregate/],
  ['a push as a map value', '%1\r\n+k\r\n>1\r\n+x\r\n', /push frame inside an aggregate/],
  ['a push inside a set', '~1\r\n>1\r\n+x\r\n', /push frame inside an aggregate/],
  ['a push inside an attribute', '|1\r\n+k\r\n>1\r\n+x\r\n+OK\r\n', /push frame inside an aggregate/],
  ['a push after an attribute nested in an array', '*1\r\n|1\r\n+k\r\n+v\r\n>1\r\n+x\r\n:1\r\n', /push frame inside an aggregate/],
  ['a push right after a top-level attribute', '|1\r\n+k\r\n+v\r\n>1\r\n+x\r\n+OK\r\n', /push frame right after an attribute/],
  ['a push right after an empty attribute', '|0\r\n>1\r\n+x\r\n+OK\r\n', /push frame right after an attribute/],
  ['a streamed-aggregate end marker at the top level', '.\r\n', /end marker \('\.'\) where no streamed aggregate is open/],
  ['a streamed-aggregate end marker inside an array', '*2\r\n:1\r\n.\r\n', /end marker/],
  ['a streamed aggregate', '*?\r\n:1\r\n.\r\n', /streamed \('\?'\) length/],
  ['a streamed push', '>?\r\n+message\r\n.\r\n', /streamed \('\?'\) length/],
  ['a streamed string', '$?\r\n;4\r\nHell\r\n;0\r\n', /streamed \('\?'\) length/],
  ['a streamed-string chunk outside a streamed string', ';4\r\nHell\r\n', /streamed-string chunk/],
];

describe('RespDecoder: frames in places RESP3 does not allow are ProtocolErrors', () => {
  it.each(misplaced)('%s (whole, byte by byte, split anywhere)', (_name, input, message) => {
    for (const [how, chunks] of splittings(bytes(input))) {
      const { events, thrown } = run(chunks);
      expect({ how, isProtocolError: thrown instanceof ProtocolError }).toEqual({ how, isProtocolError: true });
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).toMatch(/stream offset \d+.*connection will be closed/s);
      // Nothing of the bad frame came out as a reply or push.
      expect({ how, out: events.filter((e) => 'reply' in e || 'push' in e) }).toEqual({ how, out: [] });
    }
  });

  it('delivers the replies before the bad frame, then nothing after it', () => {
    // A reply with a push in the middle, as a server interleaving an invalidation would send it, between two replies.
    const input = bytes('+before\r\n*2\r\n:1\r\n>2\r\n+invalidate\r\n*1\r\n+k\r\n:2\r\n+after\r\n');
    for (const [how, chunks] of splittings(input)) {
      const { events, thrown } = run(chunks);
      expect({ how, events, isProtocolError: thrown instanceof ProtocolError }).toEqual({
        how,
        events: [{ reply: 'before' }],
        isProtocolError: true,
      });
    }
  });

  it('names the offset of the misplaced push', () => {
    expect(run([bytes('+OK\r\n*1\r\n>0\r\n')]).thrown).toMatchObject({ message: expect.stringMatching(/at stream offset 9\./) });
  });
});

describe('RespDecoder: frames where RESP3 allows them still decode', () => {
  const allowed: [string, string, Event[]][] = [
    ['an attribute, its reply, then a push', '|1\r\n+k\r\n+v\r\n+OK\r\n>1\r\n+x\r\n',
      [{ attribute: map([['k', 'v']]) }, { reply: 'OK' }, { push: ['x'] }]],
    ['a push between a reply and an attribute', '+a\r\n>1\r\n+x\r\n|0\r\n+b\r\n',
      [{ reply: 'a' }, { push: ['x'] }, { attribute: map([]) }, { reply: 'b' }]],
    ['two attributes before one reply', '|1\r\n+a\r\n:1\r\n|1\r\n+b\r\n:2\r\n:3\r\n',
      [{ attribute: map([['a', 1]]) }, { attribute: map([['b', 2]]) }, { reply: 3 }]],
    ['an attribute inside a push, before an element', '>2\r\n+message\r\n|1\r\n+k\r\n+v\r\n+x\r\n',
      [{ attribute: map([['k', 'v']]) }, { push: ['message', 'x'] }]],
    ['an attribute before a map value', '%1\r\n+k\r\n|1\r\n+ttl\r\n:5\r\n+v\r\n',
      [{ attribute: map([['ttl', 5]]) }, { reply: map([['k', 'v']]) }]],
    ['an attribute before an error reply', '|0\r\n-ERR no\r\n>0\r\n', [{ attribute: map([]) }, { error: 'ERR no' }, { push: [] }]],
  ];
  it.each(allowed)('%s', (_name, input, expected) => {
    for (const [how, chunks] of splittings(bytes(input))) {
      const { events, thrown } = run(chunks);
      expect({ how, events, thrown }).toEqual({ how, events: expected, thrown: undefined });
    }
  });
});
