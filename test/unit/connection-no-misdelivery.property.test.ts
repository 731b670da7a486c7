/**
 * Property: whatever the server sends, a caller gets its own reply or a typed error, never another caller's.
 *
 * Each command is `ECHO <token>` with a token unique to the run; the scripted server answers each with that token
 * (as a bulk, simple or verbatim string, or an array of it twice), optionally preceded by RESP3 pushes and an
 * attribute, cut at random byte boundaries, delayed past the command's timeout, and now and then with malformed
 * bytes injected (garbage, a push nested inside the reply, a push right after an attribute, a stray
 * streamed-aggregate end marker). Commands are issued with random gaps, timeouts and aborts. Uses
 * test/support/fake-redis-server.ts.
 */
import fc from 'fast-check';
import { AbortError, ConnectionError, ProtocolError, RedisError, TimeoutError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import type { CommandOptions } from '../../lib/connection/connection.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { defaultHandshake, startFakeRedisServer, type FakeClient, type FakeRedisServer } from '../support/fake-redis-server.js';
import { cutAt } from '../support/splittings.js';

const TIMEOUT_MS = 10;
/** A delayed reply waits this long: well past TIMEOUT_MS, so a command with a timeout does time out. */
const DELAY_MS = 30;

type Shape = 'bulk' | 'simple' | 'verbatim' | 'array';
type Malformed = 'none' | 'garbage' | 'nested-push' | 'attribute-then-push' | 'end-marker';

interface Step {
  shape: Shape;
  pushesBefore: number;
  attribute: boolean;
  malformed: Malformed;
  delayed: boolean;
  timeout: boolean;
  abort: 'none' | 'before' | 'after';
  abortAfterMs: number;
  /** Where the server cuts this reply's bytes, as fractions of its length. */
  cuts: number[];
  /** How long the test waits before issuing the next command. */
  gap: 'same-tick' | 'immediate' | 'ms';
}

const step: fc.Arbitrary<Step> = fc.record({
  shape: fc.constantFrom<Shape>('bulk', 'simple', 'verbatim', 'array'),
  pushesBefore: fc.integer({ min: 0, max: 2 }),
  attribute: fc.boolean(),
  malformed: fc.oneof(
    { arbitrary: fc.constant<Malformed>('none'), weight: 10 },
    { arbitrary: fc.constantFrom<Malformed>('garbage', 'nested-push', 'attribute-then-push', 'end-marker'), weight: 1 },
  ),
  delayed: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  timeout: fc.boolean(),
  abort: fc.oneof(
    { arbitrary: fc.constant<Step['abort']>('none'), weight: 6 },
    { arbitrary: fc.constantFrom<Step['abort']>('before', 'after'), weight: 1 },
  ),
  abortAfterMs: fc.integer({ min: 0, max: 15 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
  gap: fc.constantFrom<Step['gap']>('same-tick', 'same-tick', 'immediate', 'ms'),
});

const bulk = (s: string): string => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
const PUSHES = [
  `>2\r\n${bulk('invalidate')}*1\r\n${bulk('some-key')}`,
  `>3\r\n${bulk('message')}${bulk('chan')}${bulk('payload')}`,
];
const ATTRIBUTE = '|1\r\n+ttl\r\n:5\r\n';

function replyBytes(token: string, shape: Shape, protocol: 2 | 3): string {
  if (shape === 'simple') return `+${token}\r\n`;
  if (shape === 'verbatim' && protocol === 3) return `=${token.length + 4}\r\ntxt:${token}\r\n`;
  if (shape === 'array') return `*2\r\n${bulk(token)}${bulk(token)}`;
  return bulk(token);
}

function expectedValue(token: string, shape: Shape): RespValue {
  return shape === 'array' ? [token, token] : token;
}

/** All bytes the server sends for one command. `inject` is false once this token's malformed bytes went out. */
function frameFor(token: string, s: Step, protocol: 2 | 3, inject: boolean): string {
  let out = '';
  if (protocol === 3) {
    for (let i = 0; i < s.pushesBefore; i++) out += PUSHES[i % PUSHES.length];
    if (s.attribute) out += ATTRIBUTE;
  }
  const reply = replyBytes(token, s.shape, protocol);
  if (!inject || s.malformed === 'none') return out + reply;
  switch (s.malformed) {
    case 'garbage':
      return `${out}?garbage\r\n${reply}`;
    case 'end-marker':
      return `${out}.\r\n${reply}`;
    case 'attribute-then-push':
      return `${out}${ATTRIBUTE}${PUSHES[0]}${reply}`;
    case 'nested-push':
      // The bug this guards: a push taken as an element leaves the last element over as the next caller's reply.
      return `${out}*2\r\n${bulk(token)}${PUSHES[0]}${bulk(token)}`;
  }
}

/** `bytes` cut at the fractions `cuts` of its length (no empty piece). */
function cutsOf(bytes: Buffer, cuts: number[]): Buffer[] {
  return cutAt(bytes, cuts.map((f) => Math.floor(f * bytes.length)).filter((p) => p > 0 && p < bytes.length));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// ---- the scripted server: one for the file; each run sets the script ----
let server: FakeRedisServer;
let protocol: 2 | 3 = 3;
let script = new Map<string, Step>();
const injected = new Set<string>();
/** Per server-side socket, the chain its writes go through: replies leave in command order, as from Redis. */
const chains = new WeakMap<FakeClient, Promise<void>>();

function inOrder(client: FakeClient, job: () => Promise<void> | void): void {
  const next = (chains.get(client) ?? Promise.resolve()).then(job);
  chains.set(client, next.catch(() => undefined));
}

beforeAll(async () => {
  server = await startFakeRedisServer((args, client) => {
    client.socket.setNoDelay(true);
    if (args[0] === 'HELLO') {
      inOrder(client, () => client.write(protocol === 3 ? '%1\r\n+proto\r\n:3\r\n' : "-ERR unknown command 'HELLO'\r\n"));
      return;
    }
    if (args[0] !== 'ECHO') {
      inOrder(client, () => {
        if (!defaultHandshake(args, client)) client.write(`-ERR unexpected ${args[0]}\r\n`);
      });
      return;
    }
    const token = args[1]!;
    const s = script.get(token);
    if (s === undefined) {
      inOrder(client, () => client.write(bulk(token)));
      return;
    }
    // Malformed bytes go out once per token: a command re-sent on the next socket gets a clean reply.
    const inject = s.malformed !== 'none' && !injected.has(token);
    if (inject) injected.add(token);
    const pieces = cutsOf(Buffer.from(frameFor(token, s, protocol, inject)), s.cuts);
    inOrder(client, async () => {
      if (s.delayed) await sleep(DELAY_MS);
      for (const piece of pieces) {
        client.write(piece);
        await turn();
      }
    });
  });
});
afterAll(async () => {
  await server.close();
});

function isTypedFailure(reason: unknown): boolean {
  return (
    reason instanceof RedisError &&
    (reason instanceof TimeoutError || reason instanceof AbortError || reason instanceof ProtocolError || reason instanceof ConnectionError)
  );
}

let runNo = 0;

async function runScenario(proto: 2 | 3, steps: Step[]): Promise<void> {
  const run = ++runNo;
  protocol = proto;
  script = new Map();
  const tokens = steps.map((_, i) => `r${run}-c${i}`);
  steps.forEach((s, i) => script.set(tokens[i]!, s));
  // Malformed bytes fail what is in flight; a timeout with no byte since the write may be taken for a frozen server
  // (the socket is replaced and what is in flight fails). Without either, only a command's own abort may fail it.
  const disruptive = steps.some((s) => s.malformed !== 'none' || s.timeout);

  const c = new Connection({ host: server.host, port: server.port, lazyConnect: true, protocol: proto, retry: { strategy: 'constant', base: 1 } });
  c.on('error', () => undefined);
  const pushes: RespValue[][] = [];
  c.on('push', (frame: RespValue[]) => pushes.push(frame));
  try {
    await c.connect();
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      const options: CommandOptions = {};
      if (s.timeout) options.timeout = TIMEOUT_MS;
      if (s.abort !== 'none') {
        const controller = new AbortController();
        if (s.abort === 'before') controller.abort();
        else setTimeout(() => controller.abort(), s.abortAfterMs);
        options.signal = controller.signal;
      }
      sent.push(c.sendCommand(['ECHO', tokens[i]!], options));
      if (s.gap === 'immediate') await turn();
      else if (s.gap === 'ms') await sleep(1);
    }
    const settled = await Promise.allSettled(sent);
    settled.forEach((result, i) => {
      const s = steps[i]!;
      const what = { command: i, token: tokens[i], step: s };
      if (result.status === 'fulfilled') {
        expect({ ...what, value: result.value }).toEqual({ ...what, value: expectedValue(tokens[i]!, s.shape) });
      } else {
        expect({ ...what, typed: isTypedFailure(result.reason), reason: String(result.reason) }).toMatchObject({ ...what, typed: true });
        if (!disruptive && s.abort === 'none') {
          throw new Error(`command ${i} (${JSON.stringify(s)}) failed although nothing was wrong: ${String(result.reason)}`);
        }
      }
    });
    // No reply was taken for a push.
    const tokenInPush = pushes.some((frame) => JSON.stringify(frame).includes(`"r${run}-`));
    expect(tokenInPush).toBe(false);
    // The stream is still in step: late replies of timed-out / aborted commands were dropped, not handed on. (A
    // late malformed reply may still reset the socket under the first check: then the next one must succeed.)
    const malformed = steps.some((s) => s.malformed !== 'none');
    for (let attempt = 0; ; attempt++) {
      const last = `r${run}-last${attempt}`;
      const result = await c.sendCommand(['ECHO', last], { timeout: 5000 }).then((v) => ({ v }), (e: unknown) => ({ e }));
      if ('v' in result) {
        expect(result.v).toBe(last);
        break;
      }
      if (!malformed || attempt >= 2 || !(result.e instanceof ProtocolError)) throw result.e;
    }
  } finally {
    c.destroy();
  }
}

describe('Connection: no reply ever reaches another caller (property, scripted server)', () => {
  it('holds over random interleavings of replies, pushes, attributes, cuts, delays, timeouts, aborts and malformed bytes', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3, 3), fc.array(step, { minLength: 1, maxLength: 8 }), runScenario),
      { numRuns: 100 },
    );
    // The run stays bounded (a budget, not a benchmark).
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a push nested inside a reply fails that caller with ProtocolError and the next caller still gets its own reply', async () => {
    const nested: Step = {
      shape: 'array', pushesBefore: 0, attribute: false, malformed: 'nested-push', delayed: false, timeout: false,
      abort: 'none', abortAfterMs: 0, cuts: [], gap: 'same-tick',
    };
    const plain: Step = { ...nested, shape: 'bulk', malformed: 'none' };
    // runScenario asserts each caller got its own reply or a typed error; here the outcome is known exactly.
    protocol = 3;
    const run = ++runNo;
    script = new Map([[`r${run}-bad`, nested], [`r${run}-next`, plain]]);
    const c = new Connection({ host: server.host, port: server.port, lazyConnect: true, retry: { strategy: 'constant', base: 1 } });
    c.on('error', () => undefined);
    try {
      await c.connect();
      const socketsBefore = server.connections;
      const bad = c.sendCommand(['ECHO', `r${run}-bad`]).then(() => 'resolved', (e: unknown) => e);
      await expect(bad).resolves.toBeInstanceOf(ProtocolError);
      expect(await c.sendCommand(['ECHO', `r${run}-next`])).toBe(`r${run}-next`);
      // The ProtocolError closed the socket: the next reply came over a new one.
      expect(server.connections).toBe(socketsBefore + 1);
    } finally {
      c.destroy();
    }
  });
});
