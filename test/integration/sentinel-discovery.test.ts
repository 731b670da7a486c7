import { createClient } from '../../lib/create-client.js';
import { MasterNotFoundError } from '../../lib/errors/index.js';
import { Sentinel } from '../../lib/sentinel/sentinel.js';
import { SentinelService } from '../../lib/sentinel/sentinel-service.js';
import { HOST, requireTopology, SENTINEL } from '../support/topology.js';
import { sentinelTopologyHealthy } from '../support/sentinel-admin.js';
import { waitUntil } from '../support/wait-until.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';

const NAME = SENTINEL.masterName;

function roleOf(reply: unknown): string {
  return Array.isArray(reply) ? String(reply[0]) : '';
}

describe('Sentinel discovery against the test topology', () => {
  let sentinel: Sentinel;
  /** Accepts TCP connections and never answers: a hung sentinel. */
  let blackhole: SilentServer;

  beforeAll(async () => {
    await requireTopology('sentinel');
    // An earlier suite may have failed the master over: start once replicas are re-attached and the sentinels agree.
    await sentinelTopologyHealthy();
    blackhole = await startSilentServer(HOST);
    sentinel = new Sentinel({ sentinels: SENTINEL.sentinels, watchFailover: false });
  }, 120_000);

  afterAll(async () => {
    await sentinel?.close();
    await blackhole?.close();
  });

  it('finds the master and its healthy replicas', async () => {
    const master = await sentinel.discoverMaster(NAME);
    expect(SENTINEL.redisPorts).toContain(master.port);
    const replicas = await sentinel.discoverReplicas(NAME);
    expect(replicas.map((r) => r.port).sort()).toEqual(SENTINEL.redisPorts.filter((p) => p !== master.port).sort());
  });

  it('learns the other sentinels from SENTINEL SENTINELS', async () => {
    const one = new Sentinel({ sentinels: [SENTINEL.sentinels[0]], watchFailover: false });
    try {
      const list = await one.refreshSentinels(NAME);
      expect(list.map((s) => s.port).sort()).toEqual(SENTINEL.sentinels.map((s) => s.port).sort());
    } finally {
      await one.close();
    }
  });

  it('subscribes to the sentinels it learns: seeded with one, it ends up listening to all three', async () => {
    const one = new Sentinel({ sentinels: [SENTINEL.sentinels[0]] });
    try {
      one.watch(NAME);
      const all = SENTINEL.sentinels.map((s) => s.port).sort();
      await waitUntil('subscriptions on every sentinel', () =>
        one.listeningTo.map((s) => s.port).sort().join() === all.join(), 15_000, 50);
      expect(one.sentinels.map((s) => s.port).sort()).toEqual(all);
    } finally {
      await one.close();
    }
  });

  it('skips a dead sentinel and a hung one first in the list', async () => {
    // A port nobody listens on (refused at once) and one that accepts but never answers (costs the short timeout).
    const dead = { host: HOST, port: 1 };
    const hung = { host: HOST, port: blackhole.port };
    const withDead = new Sentinel({
      sentinels: [dead, hung, ...SENTINEL.sentinels],
      watchFailover: false,
      sentinelOptions: { connectTimeout: 300, commandTimeout: 300 },
    });
    try {
      const started = Date.now();
      const master = await withDead.discoverMaster(NAME);
      const tookMs = Date.now() - started;
      console.log(`[sentinel] discovery with a dead + a hung sentinel first in the list took ${tookMs} ms`);
      expect(SENTINEL.redisPorts).toContain(master.port);
      // The sentinel that answered is asked first next time.
      expect(withDead.sentinels[0]).toEqual(SENTINEL.sentinels[0]);
    } finally {
      await withDead.close();
    }
  });

  it('says what each sentinel answered when no master can be found', async () => {
    const error = await sentinel.discoverMaster('no-such-master').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterNotFoundError);
    for (const s of SENTINEL.sentinels) expect((error as Error).message).toContain(`${s.host}:${s.port} failed`);
    expect((error as Error).message).toMatch(/No such master/i);
  });

  it('gives a master pool on the master and a replica pool on a replica (ROLE-checked)', async () => {
    const master = sentinel.masterPool(NAME);
    const replica = sentinel.replicaPool(NAME);
    try {
      expect(roleOf(await master.sendCommand(['ROLE']))).toBe('master');
      expect(roleOf(await replica.sendCommand(['ROLE']))).toBe('slave');
      await master.sendCommand(['SET', 'sentinel-discovery:key', 'v1']);
      await master.sendCommand(['WAIT', '2', '1000']);
      expect(await replica.sendCommand(['GET', 'sentinel-discovery:key'])).toBe('v1');
    } finally {
      await Promise.all([master.disconnect(), replica.disconnect()]);
    }
  });

  it('SentinelService reports the master, replicas and sentinels', async () => {
    const service = new SentinelService({ sentinels: SENTINEL.sentinels, watchFailover: false }, NAME);
    try {
      const master = await service.master();
      expect(service.currentMaster).toEqual(master);
      expect(await service.replicas()).toHaveLength(2);
      expect(service.sentinels).toHaveLength(3);
      expect(service.lastFailover).toBeUndefined();
    } finally {
      await service.close();
    }
  });

  it('builds master and replica clients from a redis+sentinel:// URL', async () => {
    const hosts = SENTINEL.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    const master = createClient(`redis+sentinel://${hosts}/${NAME}`);
    const replica = createClient(`redis+sentinel://${hosts}/${NAME}?role=replica`);
    try {
      expect(roleOf(await master.call('ROLE'))).toBe('master');
      expect(roleOf(await replica.call('ROLE'))).toBe('slave');
    } finally {
      await Promise.all([master.quit(), replica.quit()]);
    }
  });
});
