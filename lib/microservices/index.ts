// redwire/nest/microservices: a Nest microservice transport (server + client) over redwire pub/sub.
export { RedisTransportServer } from './redis-transport.server.js';
export { RedisTransportClient } from './redis-transport.client.js';
export type { RedisTransportOptions, RedisTransportStatus, RedisTransportEvents } from './redis-transport-options.interface.js';
