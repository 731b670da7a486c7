import { inspect } from 'node:util';
import { BlockingConnectionPool, ConnectionPool } from '../../lib/pool/index.js';
import { FakeConnection, fakeFactory } from './pool-fake-connection.js';

const SECRET = 'hunter2secret';
const pools: ConnectionPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.disconnect({ graceful: false })));
  FakeConnection.created = [];
});

function make<P extends ConnectionPool>(Cls: new (o: object) => P): P {
  const pool = new Cls({
    connectionFactory: fakeFactory,
    username: 'app',
    password: SECRET,
    credentialProvider: () => ({ username: 'app', password: SECRET }),
    tls: { key: `-----BEGIN PRIVATE KEY----- ${SECRET}`, passphrase: SECRET },
  });
  pools.push(pool);
  return pool;
}

test.each([ConnectionPool, BlockingConnectionPool])('JSON.stringify(%p) never contains the password, in any state', async (Cls) => {
  const pool = make(Cls);
  await pool.connect();
  const lease = await pool.acquire();
  const json = JSON.stringify(pool);
  expect(json).not.toContain(SECRET);
  expect(JSON.parse(json)).toMatchObject({ endpoint: '127.0.0.1:6379', state: 'open', shared: 1, leased: 1 });
  expect(JSON.stringify({ wrapped: { pool } })).not.toContain(SECRET);
  expect(inspect(pool, { depth: 10 })).not.toContain(SECRET);
  pool.release(lease);
});

test('pool.options serialise redacted but keep their values for building a like pool', () => {
  const pool = make(ConnectionPool);
  const json = JSON.stringify(pool.options);
  expect(json).not.toContain(SECRET);
  expect(JSON.parse(json)).toMatchObject({ password: '[redacted]', maxConnections: 50 });
  expect(inspect(pool.options, { depth: 10 })).not.toContain(SECRET);
  expect(pool.options.password).toBe(SECRET);
  expect({ ...pool.options }.password).toBe(SECRET);
});

test('a connection of the pool (the real Connection) serialises without the password', async () => {
  const pool = new ConnectionPool({ port: 1, password: SECRET, retry: false });
  pools.push(pool);
  const conn = pool.sharedConnection();
  expect(JSON.stringify(conn)).not.toContain(SECRET);
  expect(inspect(conn, { depth: 10 })).not.toContain(SECRET);
});
