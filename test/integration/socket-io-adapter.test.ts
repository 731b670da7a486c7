/**
 * redwire/socket.io and redwire/socket.io/streams: two real Socket.IO servers (ephemeral ports) in this process,
 * each with an adapter over a redwire client on the standalone server 6390 or the cluster (pub/sub adapter, classic
 * or sharded; streams adapter), and socket.io-client connections to both: room broadcasts (binary included) reach
 * both servers' sockets, fetchSockets() sees remote sockets, serverSideEmit() reaches the other server and collects
 * acks; with the streams adapter, a client whose transport dropped recovers its session and the events it missed.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import type { RedisApi } from '../../lib/index.js';
import { createRedisAdapter, type RedisAdapterFactoryOptions } from '../../lib/socket.io/index.js';
import { createRedisStreamsAdapter } from '../../lib/socket.io/streams.js';
import { CLUSTER, requireTopology, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

/** This file's waits: the shared poll helper with a longer default deadline (jobs and adapters take a while). */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 10_000): Promise<NonNullable<T>> =>
  waitUntil(what, probe, ms, 25) as Promise<NonNullable<T>>;

const KEY = `rw-sio-${process.pid}`;

/** An adapter factory as both entry points return it. */
type Factory = ReturnType<typeof createRedisAdapter> | ReturnType<typeof createRedisStreamsAdapter>;
type MakeAdapter = (redis: RedisApi, key: string) => Factory;

/** The pub/sub adapter: sharded (channel prefix) by default on a Cluster, else classic (key prefix). */
const pubsubAdapter = (sharded?: boolean): MakeAdapter => (redis, key) => {
  const options: RedisAdapterFactoryOptions = (sharded ?? redis instanceof ClusterClient) ? { sharded: true, channelPrefix: key } : { sharded: false, key };
  return createRedisAdapter(redis as RedisClient, options);
};
const streamsAdapter: MakeAdapter = (redis, key) =>
  createRedisStreamsAdapter(redis as RedisClient, { streamName: `${key}-stream`, channelPrefix: key, sessionKeyPrefix: `${key}:session:`, blockTimeInMs: 1000 });

interface Node {
  io: Server;
  http: HttpServer;
  url: string;
  adapter: Factory;
}

async function startNode(redis: RedisApi, key: string, make: MakeAdapter): Promise<Node> {
  const http = createServer();
  const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } });
  const adapter = make(redis, key);
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

async function exercise(redis: RedisApi, key: string, make: MakeAdapter, recovery = false): Promise<void> {
  const a = await startNode(redis, key, make);
  const b = await startNode(redis, key, make);
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
    if (recovery) await recoversMissedEvents(redis, key, a, b);
  } finally {
    for (const c of clients) c.disconnect();
    await stopNode(a);
    await stopNode(b);
  }
}

/**
 * Streams adapter: a client on server a whose transport drops gets, when it reconnects, its session back
 * (`recovered`) and the events server b sent its room meanwhile, read back from the stream (SET PX for the
 * session, GETDEL through MULTI, XRANGE from the client's last offset).
 */
async function recoversMissedEvents(redis: RedisApi, key: string, a: Node, b: Node): Promise<void> {
  const socket = connectClient(a.url, { query: { room: 'r3' }, transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    expect(socket.recovered).toBe(false);
    await until('b sees the socket in r3', async () => ((await b.io.in('r3').fetchSockets()).length === 1 ? true : undefined));
    // One broadcast first: the client's offset in the stream is what it recovers from.
    const first = next<number>(socket, 'tick');
    b.io.to('r3').emit('tick', 0);
    expect(await first).toBe(0);

    const sessions = async () => {
      const found: string[] = [];
      for await (const k of redis.scanIterator({ MATCH: `${key}:session:*` })) found.push(k);
      return found;
    };
    // The transport drops under the socket (not socket.disconnect(), which would end the session on purpose).
    const dropped = next<string>(socket, 'disconnect');
    socket.io.engine.close();
    expect(await dropped).toBe('forced close');
    await until('session persisted in Redis', async () => ((await sessions()).length === 1 ? true : undefined));
    const length = await redis.xlen(`${key}-stream`);
    b.io.to('r3').emit('tick', 1);
    b.io.to('r3').emit('tick', 2);
    await until('both ticks in the stream', async () => ((await redis.xlen(`${key}-stream`)) >= length + 2 ? true : undefined));

    const ticks: number[] = [];
    socket.on('tick', (n: number) => ticks.push(n));
    const reconnected = next<void>(socket, 'connect');
    socket.connect();
    await reconnected;
    expect(socket.recovered).toBe(true);
    await until('missed ticks delivered', () => (ticks.length >= 2 ? true : undefined));
    expect(ticks).toEqual([1, 2]);
    expect(await sessions()).toEqual([]);
  } finally {
    socket.disconnect();
  }
}

describe('createRedisAdapter', () => {
  it('two Socket.IO servers share rooms, fetchSockets and serverSideEmit over a standalone redwire client', async () => {
    await requireTopology('standalone');
    const redis = new RedisClient({ ...STANDALONE });
    try {
      await exercise(redis, `${KEY}-standalone`, pubsubAdapter());
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
      await exercise(cluster, `${KEY}-cluster`, pubsubAdapter());
    } finally {
      await cluster.quit();
    }
  });

  it('classic pub/sub on a Cluster client counts servers over every node (PUBSUB NUMSUB summed)', async () => {
    await requireTopology('cluster');
    const cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    try {
      await exercise(cluster, `${KEY}-cluster-classic`, pubsubAdapter(false));
    } finally {
      await cluster.quit();
    }
  });
});

describe('createRedisStreamsAdapter', () => {
  it('shares rooms and recovers a dropped client\'s missed events over a standalone redwire client', async () => {
    await requireTopology('standalone');
    const redis = new RedisClient({ ...STANDALONE });
    const key = `${KEY}-streams`;
    try {
      await exercise(redis, key, streamsAdapter, true);
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.del(`${key}-stream`);
      await redis.quit();
    }
  });

  it('does the same on a Cluster client (sharded pub/sub for requests)', async () => {
    await requireTopology('cluster');
    const cluster = new ClusterClient({ nodes: CLUSTER.nodes });
    const key = `${KEY}-streams-cluster`;
    try {
      await exercise(cluster, key, streamsAdapter, true);
    } finally {
      await cluster.del(`${key}-stream`);
      await cluster.quit();
    }
  });
});
