import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { Sentinel, type SwitchMasterInfo } from '../../lib/sentinel/sentinel.js';
import { healthyMaster } from '../support/sentinel-admin.js';
import { requireTopology, SENTINEL } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';
import { otelHarness, type OtelHarness } from './otel-harness.js';

const NAME = SENTINEL.masterName;
const key = `redwire:otel:${randomUUID()}`;
let otel: OtelHarness;
let sentinel: Sentinel;
let client: RedisClient;

beforeAll(async () => {
  await requireTopology('sentinel');
  await healthyMaster();
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
  const master = await healthyMaster();
  otel.spans.reset();
  await waitUntil('a write on the current master', () => client.set(key, '2', { PX: 60_000 }), 20_000, 100);
  const sets = otel.finished('SET');
  expect(sets.at(-1)!.attributes).toMatchObject({ 'db.system.name': 'redis', 'server.port': master, 'db.namespace': '0' });
}, 120_000);

test('SENTINEL FAILOVER increments the failover counter once, and the write hold is measured', async () => {
  const from = await healthyMaster();
  const match = { 'redwire.failover.kind': 'sentinel', 'redwire.sentinel.master_name': NAME };
  const before = await otel.total('redwire.client.failovers', match);
  const holdsBefore = await otel.total('redwire.client.failover.hold_time', { 'redwire.sentinel.master_name': NAME });
  const switched = new Promise<SwitchMasterInfo>((resolve) => sentinel.once('switch-master', resolve));
  await sentinel.failover(NAME);
  const info = await switched;
  expect(info.from.port).toBe(from);
  // Healthy again: by then every sentinel has announced the switch; the later announcements are not counted.
  const to = await healthyMaster();
  expect(to).toBe(info.to.port);
  expect(await otel.total('redwire.client.failovers', match)).toBe(before + 1);
  expect(await otel.total('redwire.client.failover.hold_time', { 'redwire.sentinel.master_name': NAME })).toBe(holdsBefore + 1);
  // Commands resume on the new master, and its spans say so.
  otel.spans.reset();
  await waitUntil('a write on the new master', () => client.set(key, '3', { PX: 60_000 }), 20_000, 100);
  expect(otel.finished('SET').at(-1)!.attributes['server.port']).toBe(to);
}, 180_000);
