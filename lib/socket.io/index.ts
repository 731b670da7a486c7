// redwire/socket.io: a Socket.IO adapter (@socket.io/redis-adapter) over a redwire client.
export { createRedisAdapter, type RedisAdapterFactory, type RedisAdapterFactoryOptions, type ShardedRedisAdapterOptions, type SocketIoRedis } from './create-redis-adapter.js';
