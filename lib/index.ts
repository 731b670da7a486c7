export * from './errors/index.js';
export type { RedisArg, RespValue, RespMap } from './protocol/resp-value.js';
export type * from './connection/connection-options.js';
