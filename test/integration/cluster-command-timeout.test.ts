/**
 * A cluster command's timeout bounds the whole command while its node is stalled (SIGSTOP, as when a primary hangs
 * before the cluster fails it over): a read is not retried past its deadline. Stalls one primary of the official
 * cluster topology for well under cluster-node-timeout, and always SIGCONTs it.
 */
import { ClusterClient } from '../../lib/cluster/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { TimeoutError } from '../../lib/errors/index.js';
import { CLUSTER, HOST, requireTopology } from '../support/topology.js';

const TIMEOUT = 300;
/** Still pending this long after its timeout means hung: a hang detector, not a speed threshold. */
const HANG_MARGIN_MS = 1000;

async function pidOf(port: number): Promise<number> {
  const conn = new Connection({ host: HOST, port, retry: false, connectTimeout: 1000 });
  try {
    const info = String(await conn.sendCommand(['INFO', 'server']));
    return Number(/process_id:(\d+)/.exec(info)?.[1]);
  } finally {
    conn.destroy();
  }
}

async function settleOrHang(work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((resolve) => {
    timer = setTimeout(() => resolve('hung'), TIMEOUT + HANG_MARGIN_MS);
  });
  try {
    return await Promise.race([work.then((value) => ({ value }), (error: unknown) => error), hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('ClusterClient commands while their node is stalled (official cluster topology)', () => {
  let client: ClusterClient;

  beforeAll(async () => {
    await requireTopology('cluster');
    client = new ClusterClient({ nodes: CLUSTER.nodes, commandTimeout: TIMEOUT });
    await client.connect();
  });

  afterAll(async () => {
    await client?.disconnect();
  });

  it('a GET and a pipelined GET settle with TimeoutError within their timeout; the client works after SIGCONT', async () => {
    const key = 'deadline:{stall}';
    await client.set(key, 'v');
    const primary = client.nodesManager.nodeForSlot(client.keySlot(key), false);
    const pid = await pidOf(primary.port);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGSTOP');
    let outcomes: unknown[];
    try {
      outcomes = await Promise.all([
        settleOrHang(client.get(key)),
        settleOrHang(client.pipeline().get(key).exec()),
      ]);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const [single, piped] = outcomes;
    expect(single).toBeInstanceOf(TimeoutError);
    expect(single).toMatchObject({ kind: 'command', command: 'GET' });
    expect(String((single as Error).message)).toContain(String(primary.port));
    expect(piped).toMatchObject({ value: [[expect.any(TimeoutError), null]] });
    expect(await client.get(key)).toBe('v');
  });
});
