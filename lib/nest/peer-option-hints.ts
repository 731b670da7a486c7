/**
 * Options users bring from ioredis, node-redis, @liaoliaots/nestjs-redis and @nestjs-modules/ioredis whose name or
 * place differs here: each maps to the sentence telling where the setting goes instead. Only names that are not
 * ours are listed, so a hint never shadows a valid option.
 */

/** Keys at the top level of the module options. */
export const MODULE_OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  config:
    `'config' (@liaoliaots/nestjs-redis) is not used here: give one connection per RedisModule.forRoot() with 'url' or ` +
    `'options' at the top level (and 'name'), or several with RedisModule.forRoot({ connections: { <name>: { url } } }).`,
  namespace: `use 'name' (the connection name; default 'default').`,
  type:
    `use 'topology': 'standalone' (for 'single'), 'sentinel' or 'cluster'; a redis+sentinel:// or redis+cluster:// ` +
    `'url' sets it too.`,
  nodes: `cluster seed nodes go in 'options.nodes', with topology: 'cluster'.`,
  path: `a unix socket goes in 'options.path' (or a unix:///path/to/redis.sock 'url').`,
  created: `use 'onClientCreated' (called with the client and the connection name).`,
  provide: `use 'connectionFactory' to build the connection yourself.`,
  beforeCreate: `there is no such hook; run that code in forRootAsync's useFactory before returning the options.`,
  onConnectionReady: `use 'onClientReady'.`,
  connections: `'connections' (several connections at once) is taken by RedisModule.forRoot only; forRootAsync registers one connection: call it once per name.`,
});

/** Keys inside `options` or `commonOptions`. */
export const CLIENT_OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  url: `the URL goes at the top level ('url'), next to 'options', which then override what it sets.`,
  redisOptions: `ioredis Cluster's 'redisOptions' are not nested here: put the node connection options directly in 'options'.`,
  socket: `node-redis 'socket' settings are flat here: host, port, path, tls, connectTimeout, keepAlive, noDelay and 'retry'.`,
  database: `use 'db'.`,
  RESP: `use 'protocol' (2 or 3; default 3 with a fallback to 2).`,
  connectionName: `use 'clientName'.`,
  name: `ioredis' Sentinel master name is 'masterName' here (with topology: 'sentinel'); node-redis' client name (CLIENT SETNAME) is 'clientName'.`,
  socketTimeout:
    `there is no idle-socket timeout: a socket whose oldest command passed 'commandTimeout' with no byte received since ` +
    `is declared stalled and replaced.`,
  sentinelPassword: `sentinel credentials go in 'sentinelOptions': { username, password }.`,
  sentinelUsername: `sentinel credentials go in 'sentinelOptions': { username, password }.`,
  retryStrategy: `use 'retry': a number of attempts, { attempts, strategy, base, cap }, a function (attempt, cause) => ms | false, or false.`,
  reconnectStrategy: `use 'retry': a number of attempts, { attempts, strategy, base, cap }, a function (attempt, cause) => ms | false, or false.`,
  maxRetriesPerRequest:
    `there is no per-command retry count: commands wait for a reconnect up to 'commandTimeout' ms (default 5000), ` +
    `at most 'maxQueued' of them.`,
  enableOfflineQueue: `use 'maxQueued' (0: commands fail at once with QueueFullError while disconnected).`,
  disableOfflineQueue: `use 'maxQueued' (0: commands fail at once with QueueFullError while disconnected).`,
  commandsQueueMaxLength: `use 'maxQueued'.`,
  keyPrefix: `there is no key prefix option: prefix keys in your own code.`,
  lazyConnect: `in the Nest module, use 'connectOnInit: false' at the top level (the module decides when to connect).`,
  onClientReady: `'onClientReady' is a top-level option here, next to 'options'.`,
  onClientCreated: `'onClientCreated' is a top-level option here, next to 'options'.`,
  namespace: `the connection name is 'name', at the top level.`,
});
