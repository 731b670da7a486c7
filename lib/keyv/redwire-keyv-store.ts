import { KeyvStoreBase } from './keyv-store-base.js';
import type { KeyvClient, RedwireKeyvStoreOptions } from './keyv-store-options.js';

/**
 * A Keyv storage adapter over a redwire client (standalone, Sentinel or Cluster):
 * `new Keyv({ store: new RedwireKeyvStore(client) })`, or a cache-manager 7 / @nestjs/cache-manager store.
 * Reads return strings (what Keyv's serializer wrote).
 */
export class RedwireKeyvStore extends KeyvStoreBase<string> {
  constructor(client: KeyvClient, options: RedwireKeyvStoreOptions = {}) {
    super(client, options, false);
  }
}
