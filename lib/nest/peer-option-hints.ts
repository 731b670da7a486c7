import { PEER_OPTION_HINTS } from '../connection/option-keys.js';

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

/** Keys inside `options` or `commonOptions`: other clients' names (as for every client), and the module's own places. */
export const CLIENT_OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  ...PEER_OPTION_HINTS,
  url: `the URL goes at the top level ('url'), next to 'options', which then override what it sets.`,
  lazyConnect: `in the Nest module, use 'connectOnInit: false' at the top level (the module decides when to connect).`,
  onClientReady: `'onClientReady' is a top-level option here, next to 'options'.`,
  onClientCreated: `'onClientCreated' is a top-level option here, next to 'options'.`,
  namespace: `the connection name is 'name', at the top level.`,
  redisOptions: `ioredis Cluster's 'redisOptions' are not nested here: put the node connection options directly in 'options'.`,
});
