/**
 * A ClusterClient built with default options gives a command the connection's default deadline (5 s) in all, and a
 * blocking command its block time on top. Before, the unset `commandTimeout` counted as "none" at the cluster
 * level: a BLPOP a node never answered waited forever. A scripted one-node cluster that never answers BLPOP.
 */
import { ClusterClient } from '../../lib/cluster/cluster-client.js';
import { TimeoutError } from '../../lib/errors/index.js';
import { defaultHandshake, encodeReply, startFakeRedisServer, type FakeRedisServer } from '../support/fake-redis-server.js';

let node: FakeRedisServer;
let client: ClusterClient | undefined;

beforeAll(async () => {
  node = await startFakeRedisServer((args, c) => {
    if (defaultHandshake(args, c)) return;
    const [name, sub] = args;
    if (name === 'CLUSTER' && sub?.toUpperCase() === 'SLOTS') c.write(encodeReply([[0, 16383, ['127.0.0.1', node.port, 'a'.repeat(40)]]]));
    else if (name === 'CLUSTER') c.write(`-ERR unknown subcommand '${sub ?? ''}'\r\n`);
    else if (name !== 'BLPOP') c.write(`-ERR unknown command '${name ?? ''}'\r\n`);
    // BLPOP: never answered, as by a frozen node.
  }, 0);
});

afterAll(async () => {
  await client?.disconnect();
  await node.close();
});

test('with default options, a BLPOP a node never answers fails after its block time plus 5 s', async () => {
  client = new ClusterClient({ nodes: [{ host: '127.0.0.1', port: node.port }], slotsRefreshInterval: 0 });
  await client.connect();
  const started = Date.now();
  const outcome = await Promise.race([
    client.blpop('k', 1).then(() => 'answered', (error: unknown) => error),
    new Promise((resolve) => setTimeout(() => resolve('still pending'), 10_000)),
  ]);
  const elapsed = Date.now() - started;
  expect(outcome).toBeInstanceOf(TimeoutError);
  expect(elapsed).toBeGreaterThanOrEqual(5900);
  expect(elapsed).toBeLessThan(8000);
}, 15_000);
