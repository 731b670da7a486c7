import { BlockingConnectionPool } from '../pool/blocking-connection-pool.js';
import type { PoolOptions } from '../pool/pool-options.js';
import type { SentinelEndpointResolver } from './sentinel-endpoint-resolver.js';

/**
 * A pool whose endpoint is resolved through Sentinel (redis-py SentinelConnectionPool). On top of the resolver
 * (discovery on every reconnect, ROLE check, `+switch-master`), a master pool that gets a `READONLY` reply on any
 * of its connections (shared, leased, pipeline, transaction: the `onReplyError` pool option) knows it is talking to
 * a demoted master and moves all its connections (once per burst, see the resolver). The resolver is the pool's
 * `endpointWatcher`, so a pool built from this one's `options` (`client.duplicate()`) is managed the same way.
 * Leases wait for a free connection (`acquireTimeout`), as in the client's default blocking pool.
 */
export class SentinelManagedPool extends BlockingConnectionPool {
  readonly resolver: SentinelEndpointResolver;

  constructor(options: PoolOptions, resolver: SentinelEndpointResolver) {
    const onReplyError = options.onReplyError ?? (resolver.role === 'master' ? resolver.onReplyError : undefined);
    super({
      ...options,
      resolveEndpoint: resolver.resolve,
      endpointWatcher: resolver,
      ...(onReplyError === undefined ? {} : { onReplyError }),
    });
    this.resolver = resolver;
  }
}
