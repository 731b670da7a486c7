/**
 * BullMQ 6 over redwire (redwire/bullmq): real BullMQ Queue/Worker/QueueEvents/FlowProducer on the standalone
 * server 6390 through createBullMQConnection(client). Jobs, retries with backoff, delays, progress events, a worker
 * stopped mid-job whose stalled job another worker picks up, and a close that leaves no socket open.
 */
import { FlowProducer, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { createBullMQConnection } from '../../lib/bullmq/index.js';
import { RedisClient } from '../../lib/client/redis-client.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { createClient } from '../../lib/create-client.js';
import { adminCall, sentinelHealthy } from '../support/sentinel-health.js';
import { CLUSTER, requireTopology, SENTINEL, STANDALONE } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

/** This file's waits: the shared poll helper with a longer default deadline (jobs and adapters take a while). */
const until = <T>(what: string, probe: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> =>
  waitUntil(what, probe, ms, 25) as Promise<NonNullable<T>>;

const PREFIX = `rw-bullmq-${process.pid}`;

let redis: RedisClient;
let closers: (() => Promise<unknown>)[] = [];

function track<T extends { close(): Promise<unknown> }>(thing: T): T {
  closers.push(() => thing.close());
  return thing;
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

beforeAll(async () => {
  await requireTopology('standalone');
  redis = new RedisClient({ ...STANDALONE });
  await redis.connect();
  for await (const key of redis.scanIterator({ MATCH: `${PREFIX}*` })) await redis.del(key);
});

afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

afterAll(async () => {
  for await (const key of redis.scanIterator({ MATCH: `${PREFIX}*` })) await redis.del(key);
  await redis.quit();
});

interface Scenario {
  name: string;
  prefix: string;
  /** Attempts the 'flaky' job needs (it fails every attempt before the last). */
  flakyAttempts: number;
  /** Delay of the 'delayed' job (ms); it must not run earlier. */
  delayMs: number;
  /** First progress value the 'progress' job reports (then `{ done: true }`). */
  progressStep: number;
  /** Jobs added with addBulk. */
  bulk: number;
  workerName?: string;
  /** Empty the queue first (a cluster run may find an earlier run's keys). */
  obliterate?: boolean;
}

/**
 * The common BullMQ scenario: a plain job, a flaky one retried with fixed backoff, a delayed one, one reporting
 * progress and a bulk; each result, the attempts, the delay, the progress events and the final counts are checked.
 * Returns the queue, events and worker (tracked: closed after the test) for checks of the topology.
 */
async function processesJobs(connection: ReturnType<typeof createBullMQConnection>, sc: Scenario) {
  const queue = track(new Queue(sc.name, { connection, prefix: sc.prefix }));
  if (sc.obliterate === true) await queue.obliterate({ force: true });
  const events = track(new QueueEvents(sc.name, { connection, prefix: sc.prefix }));
  await events.waitUntilReady();
  const progress: unknown[] = [];
  events.on('progress', ({ data }) => progress.push(data));
  const attempts = new Map<string, number>();
  const processedAt = new Map<string, number>();
  const worker = track(
    new Worker(
      sc.name,
      async (job: Job) => {
        const n = (attempts.get(job.name) ?? 0) + 1;
        attempts.set(job.name, n);
        if (job.name === 'flaky' && n < sc.flakyAttempts) throw new Error(`flaky attempt ${n}`);
        if (job.name === 'progress') {
          await job.updateProgress(sc.progressStep);
          await job.updateProgress({ done: true });
        }
        processedAt.set(job.name, Date.now());
        return { doubled: (job.data as { n: number }).n * 2 };
      },
      { connection, prefix: sc.prefix, concurrency: 2, ...(sc.workerName === undefined ? {} : { name: sc.workerName }) },
    ),
  );
  await worker.waitUntilReady();

  const plain = await queue.add('plain', { n: 21 });
  const flaky = await queue.add('flaky', { n: 1 }, { attempts: sc.flakyAttempts, backoff: { type: 'fixed', delay: 100 } });
  const delayedAddedAt = Date.now();
  const delayed = await queue.add('delayed', { n: 2 }, { delay: sc.delayMs });
  const withProgress = await queue.add('progress', { n: 3 });
  const bulk = await queue.addBulk(Array.from({ length: sc.bulk }, (_, i) => ({ name: `bulk-${i}`, data: { n: i } })));

  expect(await plain.waitUntilFinished(events, 10_000)).toEqual({ doubled: 42 });
  expect(await flaky.waitUntilFinished(events, 10_000)).toEqual({ doubled: 2 });
  expect(await delayed.waitUntilFinished(events, 10_000)).toEqual({ doubled: 4 });
  expect(await withProgress.waitUntilFinished(events, 10_000)).toEqual({ doubled: 6 });
  for (const job of bulk) await job.waitUntilFinished(events, 10_000);

  expect(attempts.get('flaky')).toBe(sc.flakyAttempts);
  expect((await queue.getJob(flaky.id!))?.attemptsMade).toBe(sc.flakyAttempts);
  expect(processedAt.get('delayed')! - delayedAddedAt).toBeGreaterThanOrEqual(sc.delayMs);
  await until('both progress events', () => (progress.length >= 2 ? true : undefined));
  expect(progress).toEqual([sc.progressStep, { done: true }]);
  expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active')).toEqual({
    completed: sc.bulk + 4,
    failed: 0,
    waiting: 0,
    delayed: 0,
    active: 0,
  });
  return { queue, events, worker };
}

describe('BullMQ over redwire (standalone)', () => {
  it('adds and processes jobs, retries with backoff, runs delayed jobs late enough, reports progress', async () => {
    await processesJobs(createBullMQConnection(redis), { name: 'basic', prefix: PREFIX, flakyAttempts: 3, delayMs: 400, progressStep: 50, bulk: 20 });
  });

  it('a job whose worker stopped mid-job is found stalled and completed by another worker', async () => {
    const connection = createBullMQConnection(redis);
    const name = 'stalled';
    const queue = track(new Queue(name, { connection, prefix: PREFIX }));
    const short = { lockDuration: 1000, stalledInterval: 300, maxStalledCount: 2 };
    let started!: () => void;
    const startedOnFirst = new Promise<void>((resolve) => (started = resolve));
    const first = new Worker(
      name,
      () => {
        started();
        return new Promise(() => undefined); // never finishes: the worker is stopped under it
      },
      { connection, prefix: PREFIX, ...short },
    );
    const job = await queue.add('work', { n: 1 });
    await startedOnFirst;
    await first.close(true); // no more lock renewal, job left in 'active'
    expect(await job.getState()).toBe('active');

    const stalled: string[] = [];
    const second = track(new Worker(name, async () => 'second', { connection, prefix: PREFIX, ...short }));
    second.on('stalled', (id) => stalled.push(id));
    const done = await until('the stalled job completed', async () => {
      const current = await queue.getJob(job.id!);
      return current?.returnvalue === 'second' ? current : undefined;
    });
    expect(stalled).toContain(job.id);
    expect(done.attemptsStarted).toBeGreaterThanOrEqual(2);
  });

  it('runs flows (MULTI with scripts) and reports workers through CLIENT LIST names', async () => {
    const connection = createBullMQConnection(redis);
    const flows = track(new FlowProducer({ connection, prefix: PREFIX }));
    const worker = track(
      new Worker('flow', async (job: Job) => (job.name === 'parent' ? Object.values(await job.getChildrenValues()) : 'child'), {
        connection,
        prefix: PREFIX,
        name: 'flow-worker',
      }),
    );
    await worker.waitUntilReady();
    const tree = await flows.add({ name: 'parent', queueName: 'flow', children: [{ name: 'c1', queueName: 'flow' }, { name: 'c2', queueName: 'flow' }] });
    const queue = track(new Queue('flow', { connection, prefix: PREFIX }));
    const parent = await until('the parent completed', async () => {
      const j = await queue.getJob(tree.job.id!);
      return j?.returnvalue !== undefined && j.returnvalue !== null ? j : undefined;
    });
    expect(parent.returnvalue).toEqual(['child', 'child']);
    const workers = await queue.getWorkers();
    expect(workers.length).toBeGreaterThanOrEqual(1);
    expect(workers.every((w) => w.name === 'flow')).toBe(true);
  });

  it('closing queues, workers and queue events closes every connection they opened', async () => {
    const before = tcpSockets();
    const connection = createBullMQConnection(redis);
    const queue = new Queue('closing', { connection, prefix: PREFIX });
    const events = new QueueEvents('closing', { connection, prefix: PREFIX });
    const worker = new Worker('closing', async () => 'ok', { connection, prefix: PREFIX });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
    const job = await queue.add('one', {});
    await until('the job completed', async () => ((await job.getState()) === 'completed' ? true : undefined));
    expect(tcpSockets()).toBeGreaterThan(before);
    const closing = Date.now();
    await worker.close(); // a worker blocked in BZPOPMIN is interrupted, not waited out
    await events.close();
    await queue.close();
    expect(Date.now() - closing).toBeLessThan(3000);
    await until('sockets closed', () => (tcpSockets() === before ? true : undefined), 5000);
    expect(await redis.ping()).toBe('PONG'); // the caller's client is left open
  });
});

describe('BullMQ over redwire (Cluster)', () => {
  // BullMQ's cluster mode: every key of a queue shares the prefix's {hash tag}, so its scripts and MULTIs stay in one slot.
  const CLUSTER_PREFIX = `{${PREFIX}}`;
  let cluster: ClusterClient;

  beforeAll(async () => {
    await requireTopology('cluster');
    cluster = new ClusterClient({ nodes: [...CLUSTER.nodes] });
    await cluster.connect();
  });

  afterAll(async () => {
    for await (const key of cluster.scanIterator({ MATCH: `${CLUSTER_PREFIX}*` })) await cluster.del(key);
    await cluster.quit();
  });

  // Sockets of the caller's cluster client (its node pools keep the connections its MULTIs leased).
  const callerSockets = (): number => cluster.nodesManager.nodePools().reduce((n, { pool }) => n + pool.stats().total, 0);

  it('adds and processes jobs (one retry, a delay, progress), lists its workers and closes every connection', async () => {
    const before = tcpSockets() - callerSockets();
    const connection = createBullMQConnection(cluster);
    const name = 'cluster-basic';
    const { queue, events, worker } = await processesJobs(connection, {
      name, prefix: CLUSTER_PREFIX, flakyAttempts: 2, delayMs: 300, progressStep: 30, bulk: 10, workerName: 'cluster-worker', obliterate: true,
    });
    // Every queue key lives on the slot of the hash tag.
    const slots = new Set<number>();
    for await (const key of cluster.scanIterator({ MATCH: `${CLUSTER_PREFIX}:${name}:*` })) slots.add(cluster.keySlot(key));
    expect([...slots]).toEqual([cluster.keySlot(CLUSTER_PREFIX)]);
    // getWorkers reads CLIENT LIST of every node (nodes(): one per primary, each listing its own node's clients)
    // and keeps the node with the most matching clients.
    const nodes = connection.nodes!();
    const lists = await Promise.all(nodes.map((node) => node.clientList()));
    const ports = lists.map((list) => /laddr=[^ ]*:(\d+)/.exec(list)?.[1]);
    expect(new Set(ports)).toEqual(new Set(cluster.nodesManager.table.primaries().map((p) => String(p.port))));
    for (let i = 0; i < 6; i++) {
      const workers = await queue.getWorkers();
      expect(workers.map((w) => w.name)).toContain(name);
      expect(workers.every((w) => w.name === name)).toBe(true);
    }

    const closing = Date.now();
    await worker.close(); // blocked in BZPOPMIN: interrupted, not waited out
    await events.close();
    await queue.close();
    closers = [];
    expect(Date.now() - closing).toBeLessThan(3000);
    await until('sockets closed', () => (tcpSockets() - callerSockets() === before ? true : undefined), 5000);
    expect(await cluster.ping()).toBe('PONG'); // the caller's client is left open
  }, 60_000);
});

describe('BullMQ over redwire (Sentinel)', () => {
  it('keeps processing through a SENTINEL FAILOVER and loses no acknowledged job', async () => {
    await requireTopology('sentinel');
    const oldMaster = await sentinelHealthy();
    const sentinelRedis = createClient({ topology: 'sentinel', sentinels: SENTINEL.sentinels, masterName: SENTINEL.masterName });
    closers.push(() => sentinelRedis.quit());
    const connection = createBullMQConnection(sentinelRedis);
    const name = 'failover';
    const queue = track(new Queue(name, { connection, prefix: PREFIX }));
    await queue.obliterate({ force: true });
    const processed = new Map<string, number>();
    const workerErrors: Error[] = [];
    const worker = track(
      new Worker(
        name,
        async (job: Job) => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          processed.set(job.id!, (processed.get(job.id!) ?? 0) + 1);
          return job.id;
        },
        { connection, prefix: PREFIX, concurrency: 5, lockDuration: 3000, stalledInterval: 1000 },
      ),
    );
    worker.on('error', (error) => workerErrors.push(error));
    await worker.waitUntilReady();

    const acked: string[] = [];
    const addErrors: string[] = [];
    let stop = false;
    const producer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const job = await queue.add('job', { i }, { attempts: 5, backoff: { type: 'fixed', delay: 200 } });
          acked.push(job.id!);
        } catch (error) {
          addErrors.push(String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await until('jobs flowing', () => (processed.size >= 30 ? true : undefined));
    await adminCall(SENTINEL.sentinels[0]!.port, ['SENTINEL', 'FAILOVER', SENTINEL.masterName]);
    await until('a new master', async () => {
      const port = await sentinelHealthy(60_000).catch(() => undefined);
      return port !== undefined && port !== oldMaster ? port : undefined;
    }, 60_000);
    const ackedAtSwitch = acked.length;
    await until('jobs acknowledged after the switch', () => (acked.length >= ackedAtSwitch + 30 ? true : undefined), 30_000);
    stop = true;
    await producer;

    const missing = await until('every acknowledged job processed', () => {
      const left = acked.filter((id) => !processed.has(id));
      return left.length === 0 ? left : undefined;
    }, 30_000).catch(() => acked.filter((id) => !processed.has(id)));
    expect(missing).toEqual([]);
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
    expect(counts.completed).toBe(acked.length);
    expect(counts.failed).toBe(0);
    console.log(`bullmq sentinel failover: ${acked.length} jobs acknowledged, ${addErrors.length} adds failed, ${workerErrors.length} worker errors, ${[...processed.values()].filter((n) => n > 1).length} processed twice`);
  }, 180_000);

  afterAll(async () => {
    await sentinelHealthy().catch(() => undefined);
  }, 120_000);
});
