import { ReadOnlyError } from '../errors/index.js';
import { BlockingConnectionPool } from '../pool/blocking-connection-pool.js';
import type { PoolCommandOptions } from '../pool/pool-connection.js';
import type { PoolOptions } from '../pool/pool-options.js';
import type { RedisArg } from '../protocol/resp-value.js';
import type { SentinelEndpointResolver } from './sentinel-endpoint-resolver.js';

/**
 * A pool whose endpoint is resolved through Sentinel (redis-py SentinelConnectionPool). On top of the resolver
 * (discovery on every reconnect, ROLE check, `+switch-master`), a master pool that gets a `READONLY` reply knows it
 * is talking to a demoted master and moves all its connections (once per burst, see the resolver).
 * Leases wait for a free connection (`acquireTimeout`), as in the client's default blocking pool.
 */
export class SentinelManagedPool extends BlockingConnectionPool {
  readonly resolver: SentinelEndpointResolver;

  constructor(options: PoolOptions, resolver: SentinelEndpointResolver) {
    super({ ...options, resolveEndpoint: resolver.resolve });
    this.resolver = resolver;
    resolver.attach(this);
    // 'end' also means "a shared connection gave up"; only a closed pool leaves the failover routing.
    this.on('end', () => {
      if (this.closed) resolver.detach(this);
    });
  }

  override sendCommand<T>(args: readonly RedisArg[], options?: PoolCommandOptions): Promise<T> {
    const reply = super.sendCommand<T>(args, options);
    if (this.resolver.role !== 'master') return reply;
    return reply.catch((error: unknown) => {
      if (error instanceof ReadOnlyError) this.resolver.readOnly(this.endpointLabel);
      throw error;
    });
  }
}
