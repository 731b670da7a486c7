// redwire/bullmq: BullMQ 6 over a redwire client (BullMQ's IRedisClient adapter interface).
export { createBullMQConnection, BullMQConnection } from './bullmq-connection.js';
export type { BullMQRedis } from './bullmq-redis.interface.js';
