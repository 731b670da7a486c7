/**
 * Pools of an integration suite on the standalone topology (6390): the suite needs the topology up, and every
 * pool it opened is closed (not gracefully) after its last test.
 */
import type { ConnectionPool } from '../../lib/pool/index.js';
import { requireTopology } from './topology.js';

/** Call once per file, at the top level; returns `track`, which registers a pool for closing and returns it. */
export function standalonePools(): <P extends ConnectionPool>(pool: P) => P {
  const pools: ConnectionPool[] = [];
  beforeAll(async () => {
    await requireTopology('standalone');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.disconnect({ graceful: false })));
  });
  return (pool) => {
    pools.push(pool);
    return pool;
  };
}
