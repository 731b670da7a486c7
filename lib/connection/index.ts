export { Connection } from './connection.js';
export type { BatchCommand, CommandOptions, ConnectionStatus, ReconnectingEvent } from './connection.js';
export type * from './connection-options.js';
export { DEFAULT_CONNECTION_OPTIONS } from './connection-defaults.js';
export { validateConnectionOptions } from './validate-connection-options.js';
export type { NormalizedConnectionOptions } from './validate-connection-options.js';
export { parseRedisUrl, redactRedisUrl } from './parse-redis-url.js';
export type { ParsedRedisUrl, HostAndPort } from './parse-redis-url.js';
export { normalizeRetry, backoff } from './retry-policy.js';
export type { RetryOption } from './retry-policy.js';
export { endpointLabel } from './socket-factory.js';
export {
  commandChannel,
  connectChannel,
  batchChannel,
  traceBatch,
  redactArgs,
  REDWIRE_CHANNELS,
} from './connection-diagnostics.js';
export type {
  CommandTraceContext,
  ConnectTraceContext,
  BatchTraceContext,
  PoolLifecycleMessage,
  PoolConnectionMessage,
  PoolAcquireMessage,
  RedirectMessage,
  FailoverMessage,
  FailoverHoldMessage,
  ClientCacheMessage,
} from './connection-diagnostics.js';
export type { ReplySink } from './pending-command.js';
