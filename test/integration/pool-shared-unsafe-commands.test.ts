import { randomUUID } from 'node:crypto';
import { RedisClient } from '../../lib/client/index.js';
import { DataError, ResponseError, UnsafeCommandError } from '../../lib/errors/index.js';
import { ConnectionPool } from '../../lib/pool/index.js';
import type { ReplySink } from '../../lib/pool/pool-connection.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';
import { STANDALONE, requireTopology } from '../support/topology.js';

const prefix = `redwire:shared-unsafe:${randomUUID()}:`;
let pool: ConnectionPool;
let client: RedisClient;

beforeAll(async () => {
  await requireTopology('standalone');
  pool = new ConnectionPool({ ...STANDALONE });
  client = new RedisClient({ ...STANDALONE, lazyConnect: true });
  await Promise.all([pool.connect(), client.connect()]);
});
afterAll(async () => {
  await Promise.all([pool.disconnect({ graceful: false }), client.disconnect()]);
});

/** Sends `commands` as one batch on the pool's shared connection; resolves with `[error, value]` per command. */
function batch(commands: RedisArg[][]): Promise<[Error | null, unknown][]> {
  return new Promise((resolve) => {
    const results: [Error | null, unknown][] = [];
    let left = commands.length;
    const sink: ReplySink = {
      settle(index, error, value) {
        results[index] = [error, value];
        if (--left === 0) resolve(results);
      },
    };
    pool.sharedConnection().sendBatch!(commands.map((args) => ({ args })), sink);
  });
}

test('CLIENT REPLY SKIP on the shared path is refused before it is sent: every concurrent caller gets its own reply', async () => {
  const keys = Array.from({ length: 20 }, (_, i) => `${prefix}k${i}`);
  await Promise.all(keys.map((k, i) => pool.sendCommand(['SET', k, `v${i}`, 'PX', 60_000])));
  const gets = keys.map((k) => pool.sendCommand(['GET', k], { timeout: 2000 }));
  const skip = pool.sendCommand(['CLIENT', 'REPLY', 'SKIP']).catch((e: unknown) => e);
  const more = keys.map((k) => pool.sendCommand(['GET', k], { timeout: 2000 }));
  const error = (await skip) as UnsafeCommandError;
  expect(error).toBeInstanceOf(UnsafeCommandError);
  expect(error).toBeInstanceOf(DataError);
  expect(error.code).toBe('REDWIRE_ERR_UNSAFE_COMMAND');
  expect(error.command).toBe('CLIENT REPLY');
  expect(error.message).toMatch(/pool\.withConnection/);
  expect(error.message).toContain(`${STANDALONE.host}:${STANDALONE.port}`);
  const expected = keys.map((_, i) => `v${i}`);
  expect(await Promise.all(gets)).toEqual(expected);
  expect(await Promise.all(more)).toEqual(expected);
});

test.each([
  [['MULTI'], /client\.multi\(\)/],
  [['WATCH', 'k'], /client\.watch\(keys, fn\)/],
  [['SUBSCRIBE', 'ch'], /client\.subscribe/],
  [['psubscribe', 'p*'], /client\.psubscribe/],
  [['UNSUBSCRIBE'], /client\.unsubscribe/],
  [['SELECT', 3], /'db' option/],
  [['MONITOR'], /pool\.withConnection/],
  [['RESET'], /pool\.withConnection/],
  [['HELLO', '2'], /'protocol'/],
  [['AUTH', 'not-a-password'], /'password'/],
  [['CLIENT', 'TRACKING', 'ON'], /clientCache/],
  [['client', 'setname', 'x'], /'clientName' option/],
  [['CLIENT', 'REPLY', 'OFF'], /pool\.withConnection/],
  [[Buffer.from('MULTI')], /client\.multi\(\)/],
])('%j is refused on the shared connection, naming what to use instead', async (args, instead) => {
  const error = (await pool.sendCommand(args as RedisArg[]).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(UnsafeCommandError);
  expect(error.message).toMatch(instead);
  expect(error.message).toMatch(/Nothing was sent/);
});

test('the shared connection is untouched afterwards: same db, protocol, name, no transaction, no subscriptions', async () => {
  const shared = pool.sharedConnection();
  expect(shared.db).toBe(0);
  expect(shared.protocol).toBe(3);
  expect(shared.subscriptions).toBe(0);
  const info = String(await pool.sendCommand(['CLIENT', 'INFO']));
  expect(info).toMatch(/ db=0 /);
  expect(info).toMatch(/ multi=-1 /);
  expect(info).toMatch(/ name= /);
  expect(info).not.toMatch(/flags=\S*t/);
});

test('ordinary CLIENT subcommands and everyday commands still run on the shared connection', async () => {
  expect(typeof (await pool.sendCommand(['CLIENT', 'ID']))).toBe('number');
  expect(await pool.sendCommand(['CLIENT', 'GETNAME'])).toBeNull();
  expect(await pool.sendCommand(['ECHO', 'fine'])).toBe('fine');
  expect(await pool.sendCommand(['EXEC']).catch((e: unknown) => e)).toBeInstanceOf(ResponseError); // server: EXEC without MULTI
  expect(await pool.sendCommand(['PUBLISH', `${prefix}ch`, 'm'])).toBe(0);
});

test('a batch (pipeline) holding a refused command is not sent at all', async () => {
  const key = `${prefix}batch`;
  const results = await batch([['SET', key, 'should-not-land'], ['SELECT', 3], ['GET', key]]);
  expect(results.map(([error]) => error?.constructor.name)).toEqual(['UnsafeCommandError', 'UnsafeCommandError', 'UnsafeCommandError']);
  expect(results[1]![0]!.message).toMatch(/^SELECT was refused/);
  expect(results[0]![0]!.message).toMatch(/Not sent: the same batch holds SELECT \(command 2\)/);
  expect(await pool.sendCommand(['EXISTS', key])).toBe(0);
  expect(pool.sharedConnection().db).toBe(0);
  // An ordinary batch still goes through.
  expect(await batch([['SET', key, 'ok', 'PX', 60_000], ['GET', key]])).toEqual([[null, 'OK'], [null, 'ok']]);
});

test('RedisClient: CLIENT REPLY via call() and SELECT in a pipeline are refused with UnsafeCommandError', async () => {
  const key = `${prefix}client`;
  await expect(client.call('CLIENT', 'REPLY', 'SKIP')).rejects.toBeInstanceOf(UnsafeCommandError);
  const results = await client.pipeline().set(key, 'v').select(3).get(key).exec();
  expect(results.every(([error]) => error instanceof UnsafeCommandError)).toBe(true);
  expect(await client.exists(key)).toBe(0);
  // A leased connection may still do all of it (and is reset on release).
  const reply = await client.pool.withConnection(async (conn) => {
    await conn.sendCommand(['SELECT', 3]);
    return conn.sendCommand(['CLIENT', 'INFO']);
  });
  expect(String(reply)).toMatch(/ db=3 /);
});
