/**
 * redwire/socket.io: two real Socket.IO servers (ephemeral ports) in this process, each with createRedisAdapter over
 * a redwire client on the standalone server 6390 (classic adapter) or the cluster (sharded adapter), and
 * socket.io-client connections to both: room broadcasts (binary included) reach both servers' sockets,
 * fetchSockets() sees remote sockets, serverSideEmit() reaches the other server and collects acks.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import type { RedisApi } from '../../lib/index.js';
import { createRedisAdapter, type RedisAdapterFactory } from '../../lib/socket.io/index.js';
import { CLUSTER, requireTopology, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

/** This file's waits: the shared poll helper with a longer default deadline (jobs and adapters take a while). */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 10_000): Promise<NonNullable<T>> =>
  waitUntil(what, probe, ms, 25) as Promise<NonNullable<T>>;

const KEY = `rw-sio-${process.pid}`;

interface Node {
  io: Server;
  http: HttpServer;
  url: string;
  adapter: RedisAdapterFactory;
}

async function startNode(redis: RedisApi, key: string): Promise<Node> {
  const http = createServer();
  const io = new Server(http);
  const adapter = createRedisAdapter(redis as RedisClient, { key, channelPrefix: key });
  io.adapter(adapter);
  io.on('connection', (socket) => {
    const room = socket.handshake.query.room;
    if (typeof room === 'string') void socket.join(room);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { io, http, adapter, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function stopNode(node: Node): Promise<void> {
  await new Promise<void>((resolve) => node.io.close(() => resolve()));
  await node.adapter.close();
}

function join(url: string, room: string): Promise<ClientSocket> {
  const socket = connectClient(url, { query: { room }, transports: ['websocket'], forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function next<T>(socket: ClientSocket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (value: T) => resolve(value)));
}

async function exercise(redis: RedisApi, key: string): Promise<void> {
  const a = await startNode(redis, key);
  const b = await startNode(redis, key);
  const clients: ClientSocket[] = [];
  try {
    clients.push(await join(a.url, 'r1'), await join(b.url, 'r1'), await join(b.url, 'r2'));
    const [onA, onB, otherRoom] = clients as [ClientSocket, ClientSocket, ClientSocket];
    // The adapters subscribe asynchronously: wait until each server counts the other.
    await until('both servers see each other', async () => ((await a.io.of('/').adapter.serverCount()) >= 2 ? true : undefined));

    let strayMessage = false;
    otherRoom.on('hello', () => (strayMessage = true));
    const gotA = next<{ text: string; bytes: Buffer }>(onA, 'hello');
    const gotB = next<{ text: string; bytes: Buffer }>(onB, 'hello');
    const bytes = Buffer.from([0, 255, 1, 254, 0x80]);
    a.io.to('r1').emit('hello', { text: 'from a', bytes });
    for (const got of await Promise.all([gotA, gotB])) {
      expect(got.text).toBe('from a');
      expect(Buffer.from(got.bytes).equals(bytes)).toBe(true);
    }

    const sockets = await a.io.in('r1').fetchSockets();
    expect(sockets.map((s) => s.id).sort()).toEqual([onA.id, onB.id].sort());
    expect(await b.io.of('/').adapter.serverCount()).toBe(2);
    expect((await b.io.fetchSockets()).map((s) => s.id).sort()).toEqual(clients.map((c) => c.id).sort());

    const received = new Promise<unknown>((resolve) => b.io.on('ping-servers', (value: unknown, ack?: (r: string) => void) => {
      ack?.('pong from b');
      resolve(value);
    }));
    const acks = await a.io.serverSideEmitWithAck('ping-servers', { n: 1 });
    expect(await received).toEqual({ n: 1 });
    expect(acks).toEqual(['pong from b']);

    // Rooms left on one server are seen by the other.
    a.io.in('r1').socketsLeave('r1');
    await until('r1 empty everywhere', async () => ((await b.io.in('r1').fetchSockets()).length === 0 ? true : undefined));
    expect(strayMessage).toBe(false);
  } finally {
    for (const c of clients) c.disconnect();
    await stopNode(a);
    await stopNode(b);
  }
}

describe('createRedisAdapter', () => {
  it('two Socket.IO servers share rooms, fetchSockets and serverSideEmit over a standalone redwire client', async () => {
    await requireTopology('standalone');
    const redis = new RedisClient({ ...STANDALONE });
    try {
      await exercise(redis, `${KEY}-standalone`);
      // The subscriber duplicates are closed; the caller's client still works.
      expect(await redis.pubsubNumsub(`${KEY}-standalone-request#/#`)).toEqual({ [`${KEY}-standalone-request#/#`]: 0 });
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.quit();
    }
  });

  it('uses the sharded adapter (SSUBSCRIBE/SPUBLISH) on a Cluster client', async () => {
    await requireTopology('cluster');
    const cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    try {
      await exercise(cluster, `${KEY}-cluster`);
    } finally {
      await cluster.quit();
    }
  });
});
