/**
 * WAITAOF (Redis 7.2+) against the standalone test server, gated on the server's version: on an older server the
 * suite is skipped with a title and a printed line naming both versions (REDWIRE_REQUIRE_SERVER_VERSION=1: fails).
 */
import { RedisClient } from '../../lib/client/redis-client.js';
import { requireServerVersion } from '../support/server-version.js';
import { requireTopology, STANDALONE } from '../support/topology.js';

await requireTopology('standalone');
const describeOn72 = await requireServerVersion(STANDALONE.port, '7.2');

describeOn72('WAITAOF', () => {
  let redis: RedisClient;
  beforeAll(async () => {
    redis = new RedisClient({ host: STANDALONE.host, port: STANDALONE.port });
    await redis.connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('answers [local fsyncs, replica fsyncs]: 0 and 0 on the test server (no AOF, no replicas)', async () => {
    await redis.set('redwire-waitaof-it', '1');
    expect(await redis.waitaof(0, 0, 100)).toEqual([0, 0]);
  });

  it('asking for a local fsync without AOF is the server error, typed', async () => {
    await expect(redis.waitaof(1, 0, 100)).rejects.toThrow(/appendonly/i);
  });
});
