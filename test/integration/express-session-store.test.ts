import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Post, Req, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import session, { type SessionData } from 'express-session';
import { RedisSessionStore } from '../../lib/express-session/index.js';
import { DataError } from '../../lib/errors/index.js';
import { INTEGRATION_TOPOLOGIES, connectTopology, whenWritable, type IntegrationClient } from '../support/integration-topologies.js';

const PREFIX = `redwire-sess-${process.pid}`;
const MAX_AGE = 60_000;

interface AppSession {
  user?: string;
  destroy(callback: (err?: unknown) => void): void;
}
type SessionRequest = { session: AppSession };

@Controller()
class AuthController {
  @Post('login')
  login(@Req() req: SessionRequest): string {
    req.session.user = 'ada';
    return 'in';
  }

  @Get('me')
  me(@Req() req: SessionRequest): string {
    return req.session.user ?? 'anonymous';
  }

  @Post('logout')
  logout(@Req() req: SessionRequest): Promise<string> {
    return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve('out'))));
  }
}

@Module({ controllers: [AuthController] })
class AuthModule {}

/** The session id in a `connect.sid` cookie (`s:<id>.<signature>`, URI-encoded). */
function sessionId(cookie: string): string {
  const value = decodeURIComponent(cookie.split(';')[0].split('=')[1]);
  return value.slice(2, value.lastIndexOf('.'));
}

function sessionData(extra: Record<string, unknown>, expires?: Date): SessionData {
  return { cookie: { originalMaxAge: expires ? expires.getTime() - Date.now() : null, expires, path: '/', httpOnly: true }, ...extra } as unknown as SessionData;
}

/** express-session's callback API as promises. */
const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

describe.each(INTEGRATION_TOPOLOGIES)('RedisSessionStore (%s)', (topology) => {
  let client: IntegrationClient;
  let store: RedisSessionStore;
  const prefix = `${PREFIX}-${topology}:`;

  beforeAll(async () => {
    client = await connectTopology(topology);
    store = new RedisSessionStore(client, { prefix });
  });

  beforeEach(async () => {
    await whenWritable(client);
  });

  afterAll(async () => {
    await call<void>((cb) => store.clear(cb));
    await call<void>((cb) => new RedisSessionStore(client, { prefix: `${prefix}json5:` }).clear(cb));
    await client.quit();
  });

  describe('through a Nest app on express', () => {
    let app: INestApplication;
    let base = '';

    beforeAll(async () => {
      app = await NestFactory.create(AuthModule, { logger: false });
      app.use(session({ store, secret: 'test-only-secret', resave: false, saveUninitialized: false, cookie: { maxAge: MAX_AGE } }));
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await app.close();
    });

    it('login stores the session with the cookie\'s lifetime, touch extends it, logout destroys it', async () => {
      expect(await (await fetch(`${base}/me`)).text()).toBe('anonymous');
      const login = await fetch(`${base}/login`, { method: 'POST' });
      expect(await login.text()).toBe('in');
      const cookie = login.headers.get('set-cookie') ?? '';
      const key = prefix + sessionId(cookie);

      const pttl = await client.pttl(key);
      expect(pttl).toBeGreaterThan(MAX_AGE - 5_000);
      expect(pttl).toBeLessThanOrEqual(MAX_AGE);
      const stored = JSON.parse((await client.get(key)) ?? '{}') as { user?: string; cookie?: { originalMaxAge?: number } };
      expect(stored.user).toBe('ada');
      expect(stored.cookie?.originalMaxAge).toBeGreaterThan(MAX_AGE - 1_000); // express-session counts down in ms

      // An unmodified session is touched on each request (resave: false): its TTL goes back up to the cookie's.
      await client.pexpire(key, 5_000);
      expect(await (await fetch(`${base}/me`, { headers: { cookie } })).text()).toBe('ada');
      expect(await client.pttl(key)).toBeGreaterThan(MAX_AGE - 5_000);

      expect(await (await fetch(`${base}/logout`, { method: 'POST', headers: { cookie } })).text()).toBe('out');
      expect(await client.exists(key)).toBe(0);
      expect(await (await fetch(`${base}/me`, { headers: { cookie } })).text()).toBe('anonymous');
    });
  });

  it('all / ids / length / clear cover every session of the prefix, on every primary', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `sid-${i}`);
    const expires = new Date(Date.now() + 30_000);
    const scoped = new RedisSessionStore(client, { prefix: `${prefix}all:` }); // no session of the other tests
    for (const id of ids) await call<void>((cb) => scoped.set(id, sessionData({ n: id }, expires), cb));
    await client.set(`${prefix}all-other:x`, 'not a session');
    if (topology === 'cluster') {
      const cluster = client as { keySlot(k: string): number; nodesManager: { nodeForSlot(s: number, r: boolean): { port: number } } };
      const owners = new Set(ids.map((id) => cluster.nodesManager.nodeForSlot(cluster.keySlot(`${prefix}all:${id}`), false).port));
      expect(owners.size).toBeGreaterThan(1);
    }

    expect((await call<string[]>((cb) => scoped.ids(cb)))?.sort()).toEqual([...ids].sort());
    expect(await call<number>((cb) => scoped.length(cb))).toBe(30);
    const all = (await call<Record<string, SessionData>>((cb) => scoped.all(cb))) ?? {};
    expect(Object.keys(all).sort()).toEqual([...ids].sort());
    expect(all['sid-7']).toMatchObject({ n: 'sid-7' });

    await call<void>((cb) => scoped.clear(cb));
    expect(await call<number>((cb) => scoped.length(cb))).toBe(0);
    expect(await client.get(`${prefix}all-other:x`)).toBe('not a session');
    await client.del(`${prefix}all-other:x`);
  });

  it('a cookie without expiry lives the default ttl; an expired one is removed; touch never creates a session', async () => {
    const short = new RedisSessionStore(client, { prefix, ttl: 120 });
    await call<void>((cb) => short.set('no-expiry', sessionData({ a: 1 }), cb));
    const pttl = await client.pttl(`${prefix}no-expiry`);
    expect(pttl).toBeGreaterThan(115_000);
    expect(pttl).toBeLessThanOrEqual(120_000);

    await call<void>((cb) => short.set('gone', sessionData({ a: 1 }, new Date(Date.now() - 1000)), cb));
    expect(await client.exists(`${prefix}gone`)).toBe(0);

    await call<void>((cb) => short.touch('never-set', sessionData({}, new Date(Date.now() + 10_000)), cb));
    expect(await client.exists(`${prefix}never-set`)).toBe(0);
    expect(await call<SessionData | null>((cb) => short.get('never-set', cb))).toBeNull();
  });

  it('uses the serializer option both ways, and a foreign value fails typed', async () => {
    const serializer = {
      stringify: (s: unknown) => `v1:${Buffer.from(JSON.stringify(s)).toString('base64')}`,
      parse: (text: string) => {
        if (!text.startsWith('v1:')) throw new Error('not v1');
        return JSON.parse(Buffer.from(text.slice(3), 'base64').toString()) as unknown;
      },
    };
    const custom = new RedisSessionStore(client, { prefix: `${prefix}json5:`, serializer });
    await call<void>((cb) => custom.set('s1', sessionData({ user: 'grace' }, new Date(Date.now() + 10_000)), cb));
    expect((await client.get(`${prefix}json5:s1`))?.startsWith('v1:')).toBe(true);
    expect(await call<SessionData | null>((cb) => custom.get('s1', cb))).toMatchObject({ user: 'grace' });

    await client.set(`${prefix}json5:s2`, '{"plain":"json"}', { PX: 10_000 });
    await expect(call<SessionData | null>((cb) => custom.get('s2', cb))).rejects.toBeInstanceOf(DataError);
  });
});
