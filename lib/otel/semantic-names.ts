/**
 * Metric and attribute names. Where OpenTelemetry's database client conventions, node-redis or redis-py name the
 * same thing, the same name is used; redwire's own figures start with `redwire.`.
 */
export const METRICS = Object.freeze({
  operationDuration: 'db.client.operation.duration',
  connectionCount: 'db.client.connection.count',
  connectionMax: 'db.client.connection.max',
  pendingRequests: 'db.client.connection.pending_requests',
  createTime: 'db.client.connection.create_time',
  waitTime: 'db.client.connection.wait_time',
  errors: 'redis.client.errors',
  cacheRequests: 'redis.client.csc.requests',
  cacheEvictions: 'redis.client.csc.evictions',
  poolConnections: 'redwire.client.pool.connections',
  poolWaiters: 'redwire.client.pool.waiters',
  reconnects: 'redwire.client.connection.reconnects',
  redirections: 'redwire.client.redirections',
  failovers: 'redwire.client.failovers',
  heldCommands: 'redwire.client.failover.held_commands',
  holdTime: 'redwire.client.failover.hold_time',
});

export const ATTR = Object.freeze({
  system: 'db.system.name',
  operation: 'db.operation.name',
  namespace: 'db.namespace',
  queryText: 'db.query.text',
  batchSize: 'db.operation.batch.size',
  statusCode: 'db.response.status_code',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  poolName: 'db.client.connection.pool.name',
  connectionState: 'db.client.connection.state',
  redirectionKind: 'redis.client.redirection.kind',
  cacheResult: 'redis.client.csc.result',
  cacheReason: 'redis.client.csc.reason',
  connectionName: 'redwire.connection.name',
  batchErrors: 'redwire.batch.errors',
  poolState: 'redwire.pool.state',
  failoverKind: 'redwire.failover.kind',
  masterName: 'redwire.sentinel.master_name',
  holdReason: 'redwire.failover.hold.reason',
});
