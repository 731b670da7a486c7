import { randomUUID } from 'node:crypto';
import { RedisClient } from '../../lib/client/index.js';
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { CLUSTER, STANDALONE, requireTopology } from '../support/topology.js';
import { waitUntil } from '../support/wait-until.js';

const tag = randomUUID().slice(0, 8);
const channel = (name: string): string => `redwire:pubsub-test:${tag}:${name}`;
const clients: RedisClient[] = [];
function make(options: ConstructorParameters<typeof RedisClient>[0] = {}): RedisClient {
  const client = new RedisClient({ ...STANDALONE, ...options });
  clients.push(client);
  return client;
}

/** Resolves with the first `count` messages delivered to a listener. */
function collector<M>(count: number): { listener: (m: M, c: string, p?: string) => void; done: Promise<[M, string, string?][]> } {
  const got: [M, string, string?][] = [];
  let resolve!: (v: [M, string, string?][]) => void;
  const done = new Promise<[M, string, string?][]>((r) => (resolve = r));
  return {
    listener: (m, c, p) => {
      got.push(p === undefined ? [m, c] : [m, c, p]);
      if (got.length === count) resolve(got);
    },
    done,
  };
}

/** PUBLISH until at least one subscriber got it (after a reconnect the resubscribe may still be in flight). */
async function publishUntilHeard(publisher: RedisClient, name: string, message: string, heard: () => boolean): Promise<void> {
  await waitUntil(`a subscriber to hear ${message}`, async () => {
    if (heard()) return true;
    await publisher.call('PUBLISH', name, message);
    return heard();
  }, 10_000, 20);
}

beforeAll(async () => {
  await requireTopology('standalone');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

describe.each([2, 3] as const)('pub/sub over RESP%i', (protocol) => {
  test('subscribe, psubscribe and ssubscribe deliver messages; unsubscribe stops them and frees the connection', async () => {
    const sub = make({ protocol });
    const pub = make();
    const plain = collector<string>(2);
    const patterned = collector<string>(1);
    const sharded = collector<string>(1);
    const off = await sub.subscribe([channel('a'), channel('b')], plain.listener);
    await sub.psubscribe(channel('p*'), patterned.listener);
    await sub.ssubscribe(channel('s'), sharded.listener);
    expect(sub.pool.stats().leased).toBe(1);

    await pub.call('PUBLISH', channel('a'), 'one');
    await pub.call('PUBLISH', channel('b'), 'two');
    await pub.call('PUBLISH', channel('px'), 'three');
    await pub.call('SPUBLISH', channel('s'), 'four');
    expect(await plain.done).toEqual([['one', channel('a')], ['two', channel('b')]]);
    expect(await patterned.done).toEqual([['three', channel('px'), channel('p*')]]);
    expect(await sharded.done).toEqual([['four', channel('s')]]);

    await off();
    await sub.punsubscribe();
    await sub.sunsubscribe();
    expect(sub.pool.stats().leased).toBe(0);
    expect(await pub.call('PUBLISH', channel('a'), 'nobody')).toBe(0);
  });
});

test('messages can be Buffers', async () => {
  const sub = make({ pubsubBuffers: true });
  const pub = make();
  const got = collector<Buffer>(1);
  await sub.subscribe(channel('buf'), got.listener);
  await pub.call('PUBLISH', channel('buf'), 'bytes');
  const [[message]] = (await got.done) as [[Buffer, string]];
  expect(Buffer.isBuffer(message)).toBe(true);
  expect(message.toString()).toBe('bytes');
});

test.each([2, 3] as const)('Buffer messages over RESP%i carry payloads that are not valid UTF-8 intact', async (protocol) => {
  const sub = make({ protocol, pubsubBuffers: true, pushBuffers: true });
  const pub = make();
  const payload = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  const got = collector<Buffer>(2);
  await sub.subscribe(channel(`bin${protocol}`), got.listener);
  await sub.psubscribe(channel(`binp${protocol}*`), got.listener);
  await pub.call('PUBLISH', channel(`bin${protocol}`), payload);
  await pub.call('PUBLISH', channel(`binp${protocol}x`), payload);
  const [[plain, plainChannel], [patterned, patternedChannel, pattern]] = (await got.done) as [Buffer, string, string?][];
  expect(plain.equals(payload)).toBe(true);
  expect(plainChannel).toBe(channel(`bin${protocol}`));
  expect(patterned.equals(payload)).toBe(true);
  expect([patternedChannel, pattern]).toEqual([channel(`binp${protocol}x`), channel(`binp${protocol}*`)]);
});

test('a ClusterClient with pushBuffers delivers channel, pattern and shard-channel payloads as intact Buffers', async () => {
  await requireTopology('cluster');
  const sub = new ClusterClient({ nodes: CLUSTER.nodes, pushBuffers: true });
  const pub = new ClusterClient({ nodes: CLUSTER.nodes });
  try {
    const payload = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const got = collector<Buffer>(3);
    await sub.subscribe(channel('cbin'), got.listener);
    await sub.psubscribe(channel('cbinp*'), got.listener);
    await sub.ssubscribe(channel('cbins'), got.listener);
    await pub.publish(channel('cbin'), payload);
    await pub.publish(channel('cbinpx'), payload);
    await pub.spublish(channel('cbins'), payload);
    const messages = await got.done;
    for (const [message] of messages) {
      expect(Buffer.isBuffer(message)).toBe(true);
      expect(message.equals(payload)).toBe(true);
    }
    expect(messages.map(([, c]) => c).sort()).toEqual([channel('cbin'), channel('cbinpx'), channel('cbins')].sort());
  } finally {
    await sub.quit();
    await pub.quit();
  }
});

test('a ClusterClient counts classic subscribers on every node (PUBSUB NUMSUB, CHANNELS and NUMPAT merged)', async () => {
  await requireTopology('cluster');
  // Three subscribers, each connected to its own node: a node counts only the subscribers connected to it.
  const subs = [CLUSTER.ports[0], CLUSTER.ports[1], CLUSTER.ports[3]].map((port) => make({ host: CLUSTER.nodes[0].host, port }));
  const shared = channel('cnum');
  for (const sub of subs) await sub.subscribe(shared, () => undefined);
  await subs[0]!.psubscribe(channel('cnump*'), () => undefined);
  await subs[1]!.psubscribe(channel('cnump*'), () => undefined);
  const cluster = new ClusterClient({ nodes: CLUSTER.nodes });
  try {
    expect(await cluster.pubsubNumsub(shared, channel('nobody'))).toEqual({ [shared]: 3, [channel('nobody')]: 0 });
    expect(await cluster.pubsubChannels(channel('cnum*'))).toEqual([shared]);
    expect(await cluster.pubsubNumpat()).toBeGreaterThanOrEqual(2);
  } finally {
    await cluster.quit();
  }
});

test('subscriptions survive CLIENT KILL TYPE pubsub: a message published after the kill arrives', async () => {
  const name = `redwire-pubsub-kill-${tag}`;
  const sub = make({ clientName: name });
  const pub = make();
  const messages: string[] = [];
  await sub.subscribe(channel('k'), (m) => messages.push(m));
  await sub.psubscribe(channel('kp*'), (m) => messages.push(`p:${m}`));

  const list = String(await pub.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  const id = /id=(\d+) .*name=(\S+)/
    .exec(list.split('\n').find((line) => line.includes(`name=${name}`)) ?? '')?.[1];
  expect(id).toMatch(/^\d+$/);
  const reconnected = new Promise((resolve) => sub.once('reconnecting', resolve));
  expect(await pub.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'ID', id!)).toBe(1);
  await reconnected;

  await publishUntilHeard(pub, channel('k'), 'after-kill', () => messages.includes('after-kill'));
  await publishUntilHeard(pub, channel('kp1'), 'after-kill-p', () => messages.includes('p:after-kill-p'));
  expect(messages).toContain('after-kill');
});
