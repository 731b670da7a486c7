import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ClusterClient, type FailoverEvent } from '../../lib/cluster/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { CLUSTER, HOST, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const run = promisify(execFile);
/** No command may stay pending longer than this: a per-command hang detector, not a performance threshold. */
const HANG_MS = 30_000;
/** The load runs at most this long, so a client that never recovers fails the test instead of spinning on. */
const LOAD_MS = 75_000;
/** Commands must succeed on the promoted primary within this many ms of its promotion (issue 14). */
const RESUME_MS = 1500;

async function ask(port: number, args: (string | number)[]): Promise<unknown> {
  const conn = new Connection({ host: HOST, port, retry: false, connectTimeout: 1000 });
  try {
    await conn.connect();
    return await conn.sendCommand(args);
  } finally {
    conn.destroy();
  }
}

describe('ClusterClient when a primary is SIGKILLed (official cluster topology)', () => {
  let client: ClusterClient;
  let killedPort: number | undefined;

  beforeAll(async () => {
    await requireTopology('cluster');
    client = new ClusterClient({ nodes: CLUSTER.nodes, connectionFactory: (o) => new Connection(o) });
    await client.connect();
  });

  afterAll(async () => {
    await client?.quit();
    if (killedPort !== undefined) {
      // Restore: restart the killed node, wait until it rejoined as a replica and every node says cluster_state:ok.
      await run('bash', ['test/scripts/topology.sh', 'start-server', String(killedPort)]);
      const port = killedPort;
      await waitUntil(`${port} to rejoin as a synced replica`, async () =>
        String(await ask(port, ['INFO', 'replication'])).includes('master_link_status:up'), 30_000, 200);
      for (const p of CLUSTER.ports) {
        // The last CLUSTER INFO seen goes into the error, so a cluster left broken says how.
        let info = '';
        await waitUntil(`cluster_state:ok on ${p}`, async () => {
          info = String(await ask(p, ['CLUSTER', 'INFO']));
          return info.includes('cluster_state:ok');
        }, 45_000, 200).catch(async (error: unknown) => {
          const nodes = await ask(p, ['CLUSTER', 'NODES']).catch((e: unknown) => String(e));
          throw new Error(`${String(error)}\nCLUSTER INFO:\n${info}\nCLUSTER NODES:\n${String(nodes)}`);
        });
      }
    }
  }, 120_000);

  it('resumes on the promoted replica; every command settles, none hangs', async () => {
    const keys = Array.from({ length: 200 }, (_, i) => `fo:${i}`);
    const victim = client.nodesManager.nodeForSlot(client.keySlot('fo:0'), false);
    const heirs = client.nodesManager.table.replicasFor(client.keySlot('fo:0')).map((r) => r.port);
    expect(heirs.length).toBeGreaterThan(0);
    const ours = keys.filter((k) => client.nodesManager.nodeForSlot(client.keySlot(k), false).port === victim.port);
    const failovers: FailoverEvent[] = [];
    client.nodesManager.on('failover', (e: FailoverEvent) => failovers.push(e));
    for (const key of ours) await client.set(key, '0');

    const pid = Number(/process_id:(\d+)/.exec(String(await ask(victim.port, ['INFO', 'server'])))?.[1]);
    let killedAt = 0;
    let promotedAt = 0;
    let firstWriteAfterPromotion = 0;
    let firstWriteOk = 0;
    let firstReadOk = 0;
    let settled = 0;
    let hangs = 0;
    const failed = new Map<string, number>();
    let stop = false;
    const loadDeadline = Date.now() + LOAD_MS;
    const guard = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        hangs++;
        reject(new Error('command did not settle'));
      }, HANG_MS);
      p.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        settled++;
      });
    });
    const workers = Array.from({ length: 10 }, async (_, w) => {
      let n = 0;
      while (!stop && Date.now() < loadDeadline) {
        const key = ours[(w * 7 + n++) % ours.length]!;
        try {
          await guard(client.set(key, String(n)));
          if (killedAt > 0 && firstWriteOk === 0) firstWriteOk = Date.now();
          if (promotedAt > 0 && firstWriteAfterPromotion === 0) firstWriteAfterPromotion = Date.now();
        } catch (error) {
          const e = error as Error;
          failed.set(e.name, (failed.get(e.name) ?? 0) + 1);
        }
        try {
          await guard(client.get(key));
          if (killedAt > 0 && firstReadOk === 0) firstReadOk = Date.now();
        } catch (error) {
          const e = error as Error;
          failed.set(e.name, (failed.get(e.name) ?? 0) + 1);
        }
        if (killedAt === 0) await new Promise((r) => setTimeout(r, 5));
      }
    });
    try {
      await waitUntil('traffic before the kill', async () => settled > 50, 10_000, 200);
      killedPort = victim.port;
      killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      // The promotion: the moment a replica of the victim answers ROLE as master (polled every 20 ms).
      const promotion = (async () => {
        while (promotedAt === 0 && Date.now() < loadDeadline && !stop) {
          for (const port of heirs) {
            const role = await ask(port, ['ROLE']).catch(() => undefined);
            if (Array.isArray(role) && String(role[0]) === 'master' && promotedAt === 0) promotedAt = Date.now();
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await waitUntil('the first successful write after the kill', async () => firstWriteOk > 0 && firstReadOk > 0, 60_000, 200);
      await waitUntil('the promotion and a write after it', async () => firstWriteAfterPromotion > 0, 30_000, 200);
      await promotion;
      const settledAtRecovery = settled;
      await waitUntil('more traffic after recovery', async () => settled > settledAtRecovery + 200, 30_000, 200);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    const newOwner = client.nodesManager.nodeForSlot(client.keySlot(ours[0]!), false);
    const resumeMs = firstWriteAfterPromotion - promotedAt;
    console.log(`failover: killed primary ${victim.port} (SIGKILL); promotion after ${promotedAt - killedAt} ms; ` +
      `first write after the promotion ${resumeMs} ms later; first write ok after ${firstWriteOk - killedAt} ms, ` +
      `first read ok after ${firstReadOk - killedAt} ms; new primary ${newOwner.port}; failed commands by type: ` +
      `${JSON.stringify(Object.fromEntries(failed))}; ${settled} settled, ${hangs} hung; failover events: ` +
      `${JSON.stringify(failovers)}`);
    expect(hangs).toBe(0);
    expect(resumeMs).toBeLessThanOrEqual(RESUME_MS);
    expect(newOwner.port).not.toBe(victim.port);
    expect(failovers.some((e) => e.from === victim.address)).toBe(true);
    // Typed failures only (the writes in flight at the kill): nothing untyped.
    for (const name of failed.keys()) expect(['ConnectionError', 'RedirectionLimitError', 'TimeoutError', 'ClusterDownError']).toContain(name);
    expect(await client.get(ours[0]!)).not.toBeNull();
  }, 120_000);
});
