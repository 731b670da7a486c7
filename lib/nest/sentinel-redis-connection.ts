import { sentinelClientParts } from '../create-client.js';
import type { FailoverRecord } from '../sentinel/failover-tracker.js';
import { SentinelService } from '../sentinel/sentinel-service.js';
import { forwardClientEvents } from './client-events.js';
import { probeNode } from './probe-node.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisModuleSentinelOptions } from './redis-module-options.interface.js';

function address(a: { host: string; port: number } | undefined): string {
  return a === undefined ? '?' : `${a.host}:${a.port}`;
}

/** A Sentinel connection: a `RedisClient` over a Sentinel-managed pool (master or replica) + `SentinelService`. */
export function sentinelRedisConnection(name: string, options: RedisModuleSentinelOptions): RedisConnection {
  const { masterName, role = 'master' } = options;
  const { sentinel, pool, client } = sentinelClientParts(options);
  const service = new SentinelService(sentinel, masterName);
  const label = `sentinel '${masterName}' (${role}) via ${sentinel.sentinels.map(address).join(',')}`;
  return {
    name,
    topology: 'sentinel',
    label,
    client,
    pool,
    sentinel: service,
    connect: () => client.connect(),
    async close(timeoutMs) {
      try {
        await client.quit({ timeout: timeoutMs }); // closes the Sentinel too
      } finally {
        await service.close();
        await sentinel.close(); // idempotent: when quit() threw before reaching it
      }
    },
    probe: (args, timeoutMs) => probeNode(pool, args, timeoutMs),
    onEvent(listener) {
      forwardClientEvents(client, label, listener);
      service.on('failover-start', () =>
        listener({ type: 'failover', message: `Failover of '${masterName}' started` }));
      service.on('failover-end', (record: FailoverRecord) =>
        listener({
          type: 'failover',
          message: `Failover of '${masterName}' ${record.outcome ?? 'ended'}: ${address(record.from)} -> ` +
            `${address(record.to)} in ${record.durationMs ?? '?'} ms`,
        }));
    },
  };
}
