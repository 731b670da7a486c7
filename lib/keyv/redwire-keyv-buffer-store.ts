import { KeyvStoreBase } from './keyv-store-base.js';
import type { KeyvClient, RedwireKeyvStoreOptions } from './keyv-store-options.js';

/** `RedwireKeyvStore` whose reads return Buffers, for binary serializers or compressors. */
export class RedwireKeyvBufferStore extends KeyvStoreBase<Buffer> {
  constructor(client: KeyvClient, options: RedwireKeyvStoreOptions = {}) {
    super(client, options, true);
  }
}
