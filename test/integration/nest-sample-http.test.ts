import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../sample/app.module.js';
import { HOST, requireTopology, STANDALONE } from '../support/topology.js';

describe('the sample app over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    await requireTopology('standalone');
    process.env.REDIS_URL = `redis://${HOST}:${STANDALONE.port}`;
    app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    delete process.env.REDIS_URL;
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
    const put = await fetch(`${base}/cache/nest-sample-${process.pid}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'hello', ttl: 30 }),
    });
    expect(put.status).toBe(200);
    const got = (await (await fetch(`${base}/cache/nest-sample-${process.pid}`)).json()) as { value: string };
    expect(got.value).toBe('hello');
    expect((await fetch(`${base}/cache/nest-sample-${process.pid}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/cache/nest-sample-${process.pid}`)).status).toBe(404);
  });
});
