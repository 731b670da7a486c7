// redwire/keyv: a Keyv storage adapter (cache-manager 7, @nestjs/cache-manager) over a redwire client.
export { RedwireKeyvStore } from './redwire-keyv-store.js';
export { RedwireKeyvBufferStore } from './redwire-keyv-buffer-store.js';
export { KeyvStoreBase } from './keyv-store-base.js';
export type { KeyvStoreEntry, KeyvStoreCapabilities } from './keyv-store-base.js';
export { KEYV_STORE_DEFAULTS } from './keyv-store-options.js';
export type { KeyvClient, RedwireKeyvStoreOptions } from './keyv-store-options.js';
