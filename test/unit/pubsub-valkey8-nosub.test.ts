/**
 * Valkey 8.0 refuses (P|S)UNSUBSCRIBE on a socket subscribed to nothing (`-NOSUB ...`) where Redis confirms it. The
 * client's pub/sub calls must behave the same on both. Scripted server: valkey8PubSub in test/support.
 */
import { RedisClient } from '../../lib/client/redis-client.js';
import { Connection } from '../../lib/connection/connection.js';
import { ResponseError } from '../../lib/errors/index.js';
import { defaultHandshake, startFakeRedisServer, valkey8PubSub, type FakeClient, type FakeRedisServer } from '../support/fake-redis-server.js';
import { waitUntil } from '../support/wait-until.js';

const servers: FakeRedisServer[] = [];
const clients: { quit(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.quit().catch(() => undefined);
  for (const s of servers.splice(0)) await s.close();
});

/** A Valkey-8-like server; `hold` buffers every command until `release()`; `forget()` drops all subscriptions. */
async function valkey8(): Promise<{ server: FakeRedisServer; hold(): void; release(): void; forget(): void }> {
  let pubsub = valkey8PubSub();
  let held: [string[], FakeClient][] | undefined;
  const answer = (args: string[], client: FakeClient): void => {
    if (defaultHandshake(args, client)) return;
    if (args[0] === 'SUBSCRIBE' && args[1] === 'denied') {
      client.write('-NOPERM this user has no permissions to access one of the channels used as arguments\r\n');
      return;
    }
    if (!pubsub(args, client)) client.write(`-ERR unexpected '${args[0]}'\r\n`);
  };
  const server = await startFakeRedisServer((args, client) => (held ? held.push([args, client]) : answer(args, client)));
  servers.push(server);
  return {
    server,
    hold: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = undefined;
      for (const [args, client] of pending) answer(args, client);
    },
    forget: () => {
      pubsub = valkey8PubSub();
    },
  };
}

/** The pool RESETs a released subscriber socket to reuse it; one the client gave up on is closed without that. */
async function keptByThePool(client: FakeClient | undefined): Promise<void> {
  await waitUntil('the pool to RESET the released socket', () => client?.commands.some((args) => args[0] === 'RESET') === true, 3000, 5);
  expect(client?.socket.destroyed).toBe(false);
}

function sent(server: FakeRedisServer, name: string): number {
  return server.clients.reduce((n, c) => n + c.commands.filter((args) => args[0] === name).length, 0);
}

describe('pub/sub against a server answering like Valkey 8.0', () => {
  it('a Connection: an argless UNSUBSCRIBE answered -NOSUB (Valkey 8.0) resolves like Redis\'s confirmation (0 left)', async () => {
    const { server } = await valkey8();
    const c = new Connection({ host: server.host, port: server.port, lazyConnect: true, protocol: 2 });
    clients.push({ quit: async () => c.destroy() });
    await c.connect();
    expect(await c.sendCommand(['UNSUBSCRIBE'])).toBe(0);
    expect(sent(server, 'UNSUBSCRIBE')).toBe(1);
    // The reply answered that command alone: the next one gets its own reply.
    expect(await c.sendCommand(['PING'])).toBe('PONG');
  });

  it('unsubscribe() with nothing subscribed resolves and sends nothing', async () => {
    const { server } = await valkey8();
    const client = new RedisClient({ host: server.host, port: server.port, lazyConnect: true });
    clients.push(client);
    await client.unsubscribe();
    await client.punsubscribe();
    await client.sunsubscribe('x');
    expect(sent(server, 'UNSUBSCRIBE') + sent(server, 'PUNSUBSCRIBE') + sent(server, 'SUNSUBSCRIBE')).toBe(0);
  });

  it('unsubscribing on a socket that reconnected and is subscribed to nothing resolves without a command', async () => {
    const fake = await valkey8();
    const client = new RedisClient({
      host: fake.server.host,
      port: fake.server.port,
      lazyConnect: true,
      retry: { attempts: 10, strategy: 'constant', base: 5 },
    });
    clients.push(client);
    const listener = (): void => undefined;
    await client.subscribe('a', listener);
    expect(client.pool.stats().leased).toBe(1);

    // The subscriber socket drops; its reconnect is held in the handshake, so the next calls queue behind it.
    const connectionsBefore = fake.server.connections;
    fake.hold();
    fake.server.clients.find((c) => c.commands.some((args) => args[0] === 'SUBSCRIBE'))?.socket.destroy();
    await waitUntil('the reconnect', () => fake.server.connections > connectionsBefore, 3000, 5);
    const denied = client.subscribe('denied', listener).then(() => undefined, (e: unknown) => e);
    const unsubscribed = client.unsubscribe('a').then(() => 'resolved', (e: unknown) => e);
    fake.release();

    // SUBSCRIBE denied fails, so the reconnected socket is subscribed to nothing when UNSUBSCRIBE a comes up.
    expect(await denied).toBeInstanceOf(ResponseError);
    expect(await unsubscribed).toBe('resolved');
    expect(client.pool.stats().leased).toBe(0);
    // The socket knows it is subscribed to nothing: no UNSUBSCRIBE was sent to be refused.
    expect(sent(fake.server, 'UNSUBSCRIBE')).toBe(0);
  });

  it('a NOSUB reply to an unsubscribe counts as done: the call resolves; the socket goes back to the pool', async () => {
    const fake = await valkey8();
    const client = new RedisClient({ host: fake.server.host, port: fake.server.port, lazyConnect: true });
    clients.push(client);
    const listener = (): void => undefined;
    await client.psubscribe('p*', listener);
    // The server no longer has the subscription although the socket saw it confirmed.
    fake.forget();
    await expect(client.punsubscribe('p*')).resolves.toBeUndefined();
    expect(sent(fake.server, 'PUNSUBSCRIBE')).toBe(1);
    expect(client.pool.stats().leased).toBe(0);
    await keptByThePool(fake.server.clients[0]);
  });
});
