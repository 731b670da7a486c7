/** Name of the connection used when none is given. */
export const DEFAULT_REDIS_CONNECTION = 'default';

/** Prefix of every DI token this module registers, so tokens never collide with an app's own. */
export const REDWIRE_TOKEN_PREFIX = 'redwire';

/** Defaults of the module-level options (the client options keep their own defaults in their layers). */
export const REDIS_MODULE_DEFAULTS = Object.freeze({
  connectOnInit: true,
  failFast: true,
  /** ms to let in-flight commands finish on shutdown before sockets are closed. */
  shutdownTimeout: 5000,
  isGlobal: false,
  logger: true,
  readyLog: true,
  errorLog: true,
  closeClient: true,
});

/** Nest logger context of every line the module logs (each line names its connection). */
export const REDIS_MODULE_LOG_CONTEXT = 'RedisModule';
