// redwire/express-session: an express-session Store over a redwire client.
export { RedisSessionStore } from './redis-session-store.js';
export { SESSION_STORE_DEFAULTS } from './session-store-options.js';
export type { RedisSessionStoreOptions, SessionClient, SessionSerializer } from './session-store-options.js';
