/**
 * A real demoted master: a Sentinel master client whose master is turned into a replica (REPLICAOF) while its
 * sockets stay up. READONLY on a pipeline alone must make the client re-discover the master and move there.
 * Uses its own two servers (ports 17600-17601, started and stopped here) and a scripted sentinel (no failover of a
 * shared topology).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '../../lib/connection/connection.js';
import { ReadOnlyError, ResponseError } from '../../lib/errors/index.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';
import { Sentinel } from '../../lib/sentinel/sentinel.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { FakeSentinelConnection, type FakeHandler } from '../support/fake-sentinel-connection.js';
import { HOST } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const OLD = 17600;
const NEW = 17601;
const NAME = 'demotion-test';
let masterPort = OLD;

/** A scripted sentinel (port 26999) that names `masterPort` as the master. */
const SENTINEL_PORT = 26999;
const scriptedSentinel = new Map<number, FakeHandler>([[SENTINEL_PORT, (args) => {
  if (args[1]?.toUpperCase() !== 'MASTER') throw new ResponseError('ERR not scripted');
  return ['name', NAME, 'ip', HOST, 'port', String(masterPort), 'flags', 'master', 'num-other-sentinels', '2'];
}]]);

async function send(port: number, args: RedisArg[]): Promise<unknown> {
  const conn = new Connection({ host: HOST, port, retry: false, connectTimeout: 1000 });
  try {
    return await conn.sendCommand(args);
  } finally {
    conn.destroy();
  }
}

describe('Sentinel master client when its master is demoted under it', () => {
  const servers: ChildProcess[] = [];
  let sentinel: Sentinel;
  let client: RedisClient;

  beforeAll(async () => {
    for (const port of [OLD, NEW]) {
      const server = spawn('redis-server', ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      servers.push(server);
      await waitUntil(`redis-server on ${port}`, async () => ((await send(port, ['PING'])) === 'PONG' ? true : undefined), 10_000, 50);
    }
    sentinel = new Sentinel({
      sentinels: [{ host: HOST, port: SENTINEL_PORT }],
      watchFailover: false,
      sentinelConnectionFactory: (options) => new FakeSentinelConnection(options, scriptedSentinel).asPoolConnection(),
    });
    client = sentinel.master(NAME, { commandTimeout: 2000 });
  });

  afterAll(async () => {
    await client?.disconnect();
    await sentinel?.close();
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => new Promise((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) resolve(undefined);
      else server.once('exit', resolve);
    })));
  });

  it('a READONLY pipeline reply moves the client to the new master', async () => {
    expect(await client.set('demoted', 'before')).toBe('OK');
    await send(OLD, ['REPLICAOF', HOST, String(NEW)]);
    masterPort = NEW;
    // Only pipelines from here on: they alone must notice the demotion.
    const first = await client.pipeline().set('demoted', 'after').exec();
    expect(first[0]?.[0]).toBeInstanceOf(ReadOnlyError);
    const moved = await waitUntil('a pipelined write to succeed', async () => {
      const [[error, reply] = [null, undefined]] = await client.pipeline().set('demoted', 'after').exec();
      return error === null ? reply : undefined;
    }, 10_000, 50);
    expect(moved).toBe('OK');
    expect(await send(NEW, ['GET', 'demoted'])).toBe('after');
  });
});
