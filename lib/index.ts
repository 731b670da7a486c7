// The public API of redwire (the NestJS module is the separate entry point `redwire/nest`).
export * from './errors/index.js';
export * from './protocol/index.js';
export * from './connection/index.js';
export { ConnectionPool, BlockingConnectionPool, DEFAULT_POOL_OPTIONS, sumPoolStats } from './pool/index.js';
export type {
  AcquireOptions,
  PoolDisconnectOptions,
  PoolConnectionEventInfo,
  PoolOptions,
  ConnectionFactory,
  PoolStats,
  PoolConnection,
  PoolCommandOptions,
  ReplyErrorHook,
  EndpointWatcher,
  WatchedPool,
} from './pool/index.js';
export * from './client/index.js';
export * from './sentinel/index.js';
export {
  ClusterClient,
  ClusterPipeline,
  ClusterTransaction,
  ClusterService,
  parseClusterInfo,
  NodesManager,
  SlotTable,
  keySlot,
  SLOT_COUNT,
  ClusterPubSub,
  parseClusterShards,
  parseClusterSlots,
} from './cluster/index.js';
export type {
  ClusterClientOptions,
  ClusterInfo,
  ClusterNodeView,
  NodesManagerOptions,
  ReadFrom,
  FailoverEvent,
  ClusterNodeInfo,
  ClusterShard,
  NatMap,
  AddressMapFn,
} from './cluster/index.js';
export { createClient } from './create-client.js';
export type {
  CreateClientOptions,
  StandaloneClientOptions,
  SentinelTopologyOptions,
  ClusterTopologyOptions,
} from './create-client.js';
export type { SentinelManagedClientOptions } from './resolve-client-options.js';
export { LIB_NAME, LIB_VERSION } from './version.js';
