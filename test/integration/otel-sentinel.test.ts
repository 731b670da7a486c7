import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { Connection } from '../../lib/connection/connection.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { Sentinel, type SwitchMasterInfo } from '../../lib/sentinel/sentinel.js';
import { isHealthyReplica, toMasterAddress, toSentinelInstance, toSentinelInstances } from '../../lib/sentinel/sentinel-reply.js';
import { HOST, requireTopology, SENTINEL } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const NAME = SENTINEL.masterName;
const key = `redwire:otel:${randomUUID()}`;
let otel: OtelHarness;
let sentinel: Sentinel;
let client: RedisClient;

async function adminCall(port: number, args: string[]): Promise<RespValue> {
  const conn = new Connection({ host: HOST, port, retry: false, connectTimeout: 1000, commandTimeout: 2000, lazyConnect: true });
  conn.on('error', () => undefined);
  try {
    await conn.connect();
    return await conn.sendCommand(args);
  } finally {
    conn.destroy();
  }
}

/** Every sentinel names the same master, sees it up and 2 healthy replicas; the replicas are connected to it. */
async function healthy(): Promise<number | undefined> {
  let master: number | undefined;
  for (const { port } of SENTINEL.sentinels) {
    const addr = toMasterAddress(await adminCall(port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME]));
    if (addr === undefined || (master !== undefined && addr.port !== master)) return undefined;
    master = addr.port;
    const state = toSentinelInstance(await adminCall(port, ['SENTINEL', 'MASTER', NAME]));
    if (state.flags.join(',') !== 'master') return undefined;
    const replicas = toSentinelInstances(await adminCall(port, ['SENTINEL', 'REPLICAS', NAME]));
    if (replicas.filter(isHealthyReplica).length !== 2) return undefined;
  }
  for (const port of SENTINEL.redisPorts) {
    const role = (await adminCall(port, ['ROLE'])) as RespValue[];
    if (port === master ? role[0] !== 'master' : role[0] !== 'slave' || Number(role[2]) !== master || role[3] !== 'connected') return undefined;
  }
  return master;
}

const waitHealthy = (): Promise<number> => waitUntil('a healthy sentinel topology (agreeing sentinels, 2 connected replicas)', healthy, 90_000, 250);

beforeAll(async () => {
  await requireTopology('sentinel');
  await waitHealthy();
  otel = otelHarness();
  sentinel = new Sentinel({ sentinels: [...SENTINEL.sentinels] });
  client = sentinel.master(NAME);
  await client.connect();
  await waitUntil('the master to accept a write', () => client.set(key, '1', { PX: 60_000 }), 20_000, 100);
}, 120_000);
afterAll(async () => {
  await client?.quit();
  await sentinel?.close();
  await otel?.close();
});

test('spans of a Sentinel-managed client name the master it writes to', async () => {
  const master = await waitHealthy();
  otel.spans.reset();
  await waitUntil('a write on the current master', () => client.set(key, '2', { PX: 60_000 }), 20_000, 100);
  const sets = otel.finished('SET');
  expect(sets.at(-1)!.attributes).toMatchObject({ 'db.system.name': 'redis', 'server.port': master, 'db.namespace': '0' });
}, 120_000);

test('SENTINEL FAILOVER increments the failover counter once, and the write hold is measured', async () => {
  const from = await waitHealthy();
  const match = { 'redwire.failover.kind': 'sentinel', 'redwire.sentinel.master_name': NAME };
  const before = await otel.total('redwire.client.failovers', match);
  const holdsBefore = await otel.total('redwire.client.failover.hold_time', { 'redwire.sentinel.master_name': NAME });
  const switched = new Promise<SwitchMasterInfo>((resolve) => sentinel.once('switch-master', resolve));
  await sentinel.failover(NAME);
  const info = await switched;
  expect(info.from.port).toBe(from);
  // Healthy again: by then every sentinel has announced the switch; the later announcements are not counted.
  const to = await waitHealthy();
  expect(to).toBe(info.to.port);
  expect(await otel.total('redwire.client.failovers', match)).toBe(before + 1);
  expect(await otel.total('redwire.client.failover.hold_time', { 'redwire.sentinel.master_name': NAME })).toBe(holdsBefore + 1);
  // Commands resume on the new master, and its spans say so.
  otel.spans.reset();
  await waitUntil('a write on the new master', () => client.set(key, '3', { PX: 60_000 }), 20_000, 100);
  expect(otel.finished('SET').at(-1)!.attributes['server.port']).toBe(to);
}, 180_000);
