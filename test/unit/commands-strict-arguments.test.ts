import { CommandsBase, commandMethodNames, type CommandCall } from '../../lib/client/commands/index.js';
import { commandMethods } from '../../lib/client/commands/command-methods.js';
import { recordMethod, FailedCall } from '../../lib/client/call-recorder.js';
import { methodTable } from '../../lib/client/commands/method-spec.js';
import type { SetOptions } from '../../lib/client/commands/string-commands.js';
import { DataError } from '../../lib/errors/index.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';

/** Counts what reaches executeCommand: a refused call must never get there. */
class CountingClient extends CommandsBase {
  sent: CommandCall<unknown>[] = [];
  reply: RespValue = 'OK';

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.sent.push(call as CommandCall<unknown>);
    return Promise.resolve(call.transform ? call.transform(this.reply) : (this.reply as T));
  }
}

type Invoke = (...params: unknown[]) => Promise<unknown>;

function method(client: CountingClient, name: string): Invoke {
  return (client as unknown as Record<string, Invoke>)[name]!.bind(client);
}

/** Filler parameters for a method: a plain value per positional slot, an empty object in the options slot. */
function fillers(name: string): unknown[] {
  const check = commandMethods[name as keyof typeof commandMethods].check;
  return check.names.map((_, i) => (i === check.optionsAt ? {} : 'x'));
}

async function refusal(name: string, params: unknown[]): Promise<DataError> {
  const client = new CountingClient();
  const error: unknown = await method(client, name)(...params).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(client.sent).toHaveLength(0);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

const fixedArity = commandMethodNames.filter((n) => Number.isFinite(commandMethods[n].check.max));
const withOptions = commandMethodNames.filter((n) => commandMethods[n].check.optionsAt !== -1);
const variadic = commandMethodNames.filter((n) => !Number.isFinite(commandMethods[n].check.max));

describe('every typed method refuses arguments it does not take', () => {
  it('covers the whole table (each method is fixed-arity or ends in a rest parameter)', () => {
    expect(fixedArity.length + variadic.length).toBe(commandMethodNames.length);
    expect(withOptions.length).toBeGreaterThan(30);
    for (const name of variadic) expect(commandMethods[name].check.names.at(-1)).toMatch(/^\.\.\./);
  });

  it.each(fixedArity)('%s: a surplus positional argument', async (name) => {
    const params = fillers(name);
    const error = await refusal(name, [...params, 'EXTRA']);
    expect(error.message).toContain(`unexpected argument 'EXTRA' at position ${params.length + 1}`);
    expect(error.message).toContain(`${name} takes (`);
    expect(error.command).toBeDefined();
  });

  it.each(withOptions)('%s: an unknown option key', async (name) => {
    const params = fillers(name);
    const { optionsAt } = commandMethods[name].check;
    params[optionsAt] = { notAnOption: 1 };
    const error = await refusal(name, params);
    expect(error.message).toContain(`unknown option 'notAnOption' in argument ${optionsAt + 1}`);
  });

  it.each(withOptions)('%s: a token where the options object belongs', async (name) => {
    const params = fillers(name);
    const { optionsAt } = commandMethods[name].check;
    params[optionsAt] = 'NX';
    const error = await refusal(name, params);
    expect(error.message).toContain(`unexpected argument 'NX' at position ${optionsAt + 1}`);
    expect(error.message).toMatch(/for raw tokens$/);
  });
});

describe('the messages say what was wrong and what to write', () => {
  it('ioredis-style SET tokens: names the token, the signature and the object form', async () => {
    const error = await refusal('set', ['lock', 'me', 'PX', 2000, 'NX']);
    expect(error.message).toBe(
      "SET: unexpected argument 'PX' at position 3; set takes (key, value, options?) - "
        + "use set(key, value, { PX: 2000, NX: true }), or call('SET', ...) for raw tokens",
    );
    expect(error.command).toBe('SET');
  });

  it('lower-case tokens map to the option keys too', async () => {
    const error = await refusal('set', ['k', 'v', 'ex', 10]);
    expect(error.message).toContain('use set(key, value, { EX: 10 })');
  });

  it('an unknown key lists the accepted ones', async () => {
    const error = await refusal('set', ['k', 'v', { expiration: 5 }]);
    expect(error.message).toBe(
      "SET: unknown option 'expiration' in argument 3; set takes (key, value, options?) with options "
        + "{ EX, PX, EXAT, PXAT, KEEPTTL, NX, XX, GET } - or use call('SET', ...) for raw tokens",
    );
  });

  it('a surplus argument after a valid options object', async () => {
    const error = await refusal('set', ['k', 'v', { PX: 10 }, 'NX']);
    expect(error.message).toContain("unexpected argument 'NX' at position 4");
  });

  it('a method without options points to call()', async () => {
    const error = await refusal('get', ['k', 'x']);
    expect(error.message).toBe("GET: unexpected argument (a string of 1 character) at position 2; get takes (key) - use call('GET', ...) for raw tokens");
  });

  it('names the subcommand of container commands', async () => {
    expect((await refusal('xgroupCreate', ['s', 'g', '$', { MKSTREM: true }])).message).toMatch(/^XGROUP CREATE: unknown option 'MKSTREM'/);
    expect((await refusal('clientNoEvict', [true, 'x'])).message).toMatch(/^CLIENT NO-EVICT: /);
  });

  it('a required options object that is missing', async () => {
    expect((await refusal('xtrim', ['s'])).message).toBe(
      "XTRIM: missing argument 2 (options); xtrim takes (key, options) - use xtrim(key, { ... }), or call('XTRIM', ...) for raw tokens",
    );
    expect((await refusal('clientKill', [])).message).toMatch(/^CLIENT KILL: missing argument 1 \(filter\)/);
  });

  it('never shows a value that may be a secret (only keyword-like tokens and numbers)', async () => {
    const secret = 'hunter2-session-token-0123456789';
    const error = await refusal('set', ['k', 'v', { EX: 1 }, secret]);
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain(`(a string of ${secret.length} characters)`);
    expect((await refusal('set', ['k', 'v', Buffer.from(secret)])).message).not.toContain(secret);
  });

  it('refuses null, arrays, Maps and Buffers where an options object belongs', async () => {
    for (const wrong of [null, ['PX', 1], new Map([['PX', 1]]), Buffer.from('PX')]) {
      expect((await refusal('set', ['k', 'v', wrong])).message).toContain('at position 3');
    }
  });
});

describe('valid calls are unchanged', () => {
  it('accepts undefined in optional slots and known keys with undefined values', async () => {
    const client = new CountingClient();
    await client.set('k', 'v', undefined);
    await client.set('k', 'v', { EX: undefined, NX: true });
    await client.scan(0, {});
    await client.mget('a', 'b', 'c', 'd');
    expect(client.sent.map((c) => c.args)).toEqual([['SET', 'k', 'v'], ['SET', 'k', 'v', 'NX'], ['SCAN', 0], ['MGET', 'a', 'b', 'c', 'd']]);
  });
});

describe('pipelines and transactions record through the same check', () => {
  it('a refused call is queued as a FailedCall carrying the DataError', async () => {
    const queued = recordMethod('set', ['k', 'v', 'PX', 2000, 'NX']);
    expect(queued).toBeInstanceOf(FailedCall);
    await expect((queued as FailedCall).failed).rejects.toThrow(/SET: unexpected argument 'PX' at position 3/);
    expect(recordMethod('set', ['k', 'v', { PX: 2000, NX: true }])).not.toBeInstanceOf(FailedCall);
  });
});

describe('declarations that disagree with the interface do not compile', () => {
  interface Family {
    a(key: string, options?: SetOptions): Promise<number>;
    b(key: string, count?: number): Promise<number>;
    c(key: string, ...rest: string[]): Promise<number>;
  }
  const allSetKeys = { EX: true, PX: true, EXAT: true, PXAT: true, KEEPTTL: true, NX: true, XX: true, GET: true } as const;

  // Type-checked by `tsc --noEmit` (each @ts-expect-error fails the build when its line compiles); never run.
  function declarations(): void {
    methodTable<Family>({
      // @ts-expect-error an option key of SetOptions is missing
      a: { params: ['key', 'options?'], options: { EX: true }, args: (k) => [k], reply: () => 1 },
      // @ts-expect-error one parameter too few
      b: { params: ['key'], args: (k) => [k], reply: () => 1 },
      // @ts-expect-error a rest parameter not marked '...'
      c: { params: ['key', 'rest'], args: (k) => [k], reply: () => 1 },
    });
    methodTable<Family>({
      // @ts-expect-error the options object is not declared
      a: { params: ['key', 'options?'], args: (k) => [k], reply: () => 1 },
      // @ts-expect-error an optional parameter not marked '?'
      b: { params: ['key', 'count'], args: (k) => [k], reply: () => 1 },
      // @ts-expect-error options on a method whose last parameter is no options object
      c: { params: ['key', '...rest'], options: {}, args: (k) => [k], reply: () => 1 },
    });
    methodTable<Family>({
      // @ts-expect-error a key SetOptions does not have
      a: { params: ['key', 'options?'], options: { ...allSetKeys, BOGUS: true }, args: (k) => [k], reply: () => 1 },
      b: { params: ['key', 'count?'], args: (k) => [k], reply: () => 1 },
      c: { params: ['key', '...rest'], args: (k) => [k], reply: () => 1 },
    });
  }

  it('(checked at compile time)', () => {
    expect(typeof declarations).toBe('function');
  });
});

describe('nested option objects are checked too', () => {
  it.each([
    ['zrange', ['k', 0, -1, { BY: 'SCORE', LIMIT: { offset: 0, limit: 10 } }], /ZRANGE: LIMIT takes \{ offset, count \}, got \{ 'offset', 'limit' \}/],
    ['zrangebyscore', ['k', 0, 1, { LIMIT: { offset: 0 } }], /ZRANGEBYSCORE: LIMIT takes \{ offset, count \}/],
    ['geosearch', ['k', { member: 'a', radius: 1 }, { radius: 1, unit: 'km' }], /GEOSEARCH: from takes \{ member \} or \{ longitude, latitude \}/],
    ['geosearch', ['k', { member: 'a' }, { radius: 1, unit: 'km', WITHDIST: true }], /GEOSEARCH: by takes \{ radius, unit \} or \{ width, height, unit \}, got \{ 'radius', 'unit', 'WITHDIST' \}/],
    ['geosearch', ['k', 'a', { radius: 1, unit: 'km' }], /from takes .*, got \(a string of 1 character\)/],
  ])('%s(%j) is refused before anything is sent', async (name, params, message) => {
    expect((await refusal(name as string, params as unknown[])).message).toMatch(message as RegExp);
  });

  it('the right shapes pass', async () => {
    const client = new CountingClient();
    client.reply = [];
    await client.zrange('k', 0, 10, { BY: 'SCORE', LIMIT: { offset: 0, count: 5 } });
    await client.geosearch('k', { longitude: 1, latitude: 2 }, { width: 1, height: 2, unit: 'm' });
    expect(client.sent.map((c) => c.args)).toEqual([
      ['ZRANGE', 'k', 0, 10, 'BYSCORE', 'LIMIT', 0, 5],
      ['GEOSEARCH', 'k', 'FROMLONLAT', 1, 2, 'BYBOX', 1, 2, 'm'],
    ]);
  });
});
