/** The test kit's scripted server itself: the port walk and what it does with bytes that are not RESP. */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { startFakeRedisServer, type FakeRedisServer } from '../support/fake-redis-server.js';

const servers: FakeRedisServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(firstPort?: number): Promise<FakeRedisServer> {
  const s = await startFakeRedisServer((args, client) => {
    if (args[0] === 'PING') client.write('+PONG\r\n');
  }, firstPort);
  servers.push(s);
  return s;
}

async function open(s: FakeRedisServer): Promise<Socket> {
  const socket = connect(s.port, s.host);
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
}

test('a taken port moves the server to the next free one of the range', async () => {
  const first = await start(17190);
  const second = await start(first.port);
  expect(second.port).toBeGreaterThan(first.port);
  expect(second.port).toBeLessThanOrEqual(17199);
});

test('firstPort 0 reports the port the OS picked', async () => {
  const s = await start(0);
  expect(s.port).toBeGreaterThan(0);
  const socket = await open(s);
  socket.write('*1\r\n$4\r\nPING\r\n');
  const [reply] = (await once(socket, 'data')) as [Buffer];
  expect(reply.toString()).toBe('+PONG\r\n');
  expect(s.connections).toBe(1);
  expect(s.clients[0]?.commands).toEqual([['PING']]);
});

test('bytes that are not RESP close that socket; the server keeps serving others', async () => {
  const s = await start(0);
  const bad = await open(s);
  bad.on('error', () => undefined);
  bad.resume();
  const closed = once(bad, 'close');
  bad.write('*1\r\n$4\r\nPING\r\n*x\r\n');
  await closed;
  const good = await open(s);
  good.write('*1\r\n$4\r\nPING\r\n');
  const [reply] = (await once(good, 'data')) as [Buffer];
  expect(reply.toString()).toBe('+PONG\r\n');
  expect(s.connections).toBe(2);
});
