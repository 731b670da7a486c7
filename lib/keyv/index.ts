// redwire/keyv: a Keyv storage adapter (cache-manager 7, @nestjs/cache-manager) over a redwire client.
export { RedwireKeyvStore } from './redwire-keyv-store.js';
export type { KeyvStoreEntry, KeyvStoreCapabilities } from './redwire-keyv-store.js';
export { KEYV_STORE_DEFAULTS } from './keyv-store-options.js';
export type { KeyvClient, RedwireKeyvStoreOptions } from './keyv-store-options.js';
