// redwire/socket.io/streams: a Socket.IO adapter (@socket.io/redis-streams-adapter) over a redwire client. Its own
// entry point, so each adapter package stays an optional peer of the entry that imports it.
export { createRedisStreamsAdapter, type RedisStreamsAdapterFactory, type RedisStreamsAdapterFactoryOptions } from './create-redis-streams-adapter.js';
