/**
 * The sample app (sample/) over HTTP, as `scripts/demo.sh` runs it: its own process (on the TypeScript sources through
 * the swc hook; @nestjs/throttler is CommonJS over ESM-only Nest 12, which Node loads and Jest's loader cannot),
 * against the standalone test server. Counter, cache, cache-manager (RedwireKeyvStore), throttler (RedisThrottlerStorage),
 * a BullMQ queue, a microservice over redwire pub/sub, and health, then a graceful SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createClient } from '../../lib/create-client.js';
import type { RedisApi } from '../../lib/client/redis-api.js';
import { HOST, requireTopology, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from '../support/free-port.js';

describe('the sample app over HTTP', () => {
  let app: ChildProcess;
  let base: string;
  let output = '';
  let redis: RedisApi;

  beforeAll(async () => {
    await requireTopology('standalone');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, ['--no-warnings', '--import', './test/support/swc-register.mjs', 'sample/main.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, PORT: String(port), REDIS_URL: `redis://${HOST}:${STANDALONE.port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil('the sample to listen', async () => {
      if (app.exitCode !== null) throw new Error(`the sample exited (${app.exitCode}):\n${output}`);
      return fetch(`${base}/health`).then((r) => r.status === 200, () => false);
    }, 60_000, 100);
    redis = createClient(`redis://${HOST}:${STANDALONE.port}`);
  }, 90_000);

  afterAll(async () => {
    await redis?.quit();
    if (app !== undefined && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((resolve) => app.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
  });

  it('GET /health is 200 with redis up and its details', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; info: { redis: Record<string, unknown> } };
    expect(body.status).toBe('ok');
    expect(body.info.redis).toMatchObject({ status: 'up', topology: 'standalone', address: `${HOST}:${STANDALONE.port}` });
  });

  it('GET /counter counts, and the cache round-trips', async () => {
    const first = (await (await fetch(`${base}/counter`)).json()) as { count: number };
    const second = (await (await fetch(`${base}/counter`)).json()) as { count: number };
    expect(second.count).toBe(first.count + 1);
    const key = `nest-sample-${process.pid}`;
    const put = await fetch(`${base}/cache/${key}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'hello', ttl: 30 }),
    });
    expect(put.status).toBe(200);
    const got = (await (await fetch(`${base}/cache/${key}`)).json()) as { value: string };
    expect(got.value).toBe('hello');
    expect((await fetch(`${base}/cache/${key}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/cache/${key}`)).status).toBe(404);
  });

  it('GET /cached/time is computed once, then served by cache-manager from Redis (RedwireKeyvStore)', async () => {
    await redis.del('sample-cache::time');
    const first = (await (await fetch(`${base}/cached/time`)).json()) as { at: string };
    const second = (await (await fetch(`${base}/cached/time`)).json()) as { at: string };
    expect(second.at).toBe(first.at);
    expect(await redis.get('sample-cache::time')).toContain(first.at);
    expect(await redis.pttl('sample-cache::time')).toBeGreaterThan(0);
  });

  it('every request is counted by the throttler in Redis (RedisThrottlerStorage)', async () => {
    expect((await fetch(`${base}/counter`)).status).toBe(200);
    const keys: string[] = [];
    for await (const key of redis.scanIterator({ MATCH: 'sample:throttle:*', COUNT: 1000 })) keys.push(key);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('POST /mail queues a BullMQ job that the sample worker completes (createBullMQConnection)', async () => {
    const { id } = (await (await fetch(`${base}/mail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'ada@example.com' }),
    })).json()) as { id: string };
    const done = await waitUntil('the mail job completed', async () => {
      const job = (await (await fetch(`${base}/mail/${id}`)).json()) as { state: string; result: unknown };
      return job.state === 'completed' ? job : undefined;
    }, 20_000, 50);
    expect(done.result).toBe('sent to ada@example.com');
  });

  it('GET /math/sum goes through the microservice over redwire pub/sub (RedisTransportClient -> RedisTransportServer)', async () => {
    expect(await (await fetch(`${base}/math/sum?n=1,2,39`)).json()).toEqual({ sum: 42 });
  });

  it('shuts down gracefully on SIGTERM (Nest closes the Redis connection, then re-raises the signal)', async () => {
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      app.once('exit', (code, signal) => resolve({ code, signal })));
    app.kill('SIGTERM');
    const { code, signal } = await exited;
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output).not.toMatch(/error/i);
  });
});
