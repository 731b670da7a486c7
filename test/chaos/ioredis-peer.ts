/**
 * ioredis as the comparison peer of the chaos acknowledged-write rows (a devDependency, used only by chaos tests and
 * Nest's built-in transport in the microservices tests; the library never depends on it).
 */
import type { AckClient } from './ack-writers.js';

export interface IORedisLike extends AckClient {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}
export type IORedisCtor = new (options: Record<string, unknown>) => IORedisLike;
export type IORedisClusterCtor = new (nodes: { host: string; port: number }[], options?: Record<string, unknown>) => IORedisLike;

interface IORedisModule {
  default?: IORedisCtor & { Cluster?: IORedisClusterCtor };
  Cluster?: IORedisClusterCtor;
}

async function load(): Promise<{ Redis: IORedisCtor; Cluster: IORedisClusterCtor }> {
  const mod = (await import('ioredis')) as unknown as IORedisModule & IORedisCtor;
  const Redis = (mod.default ?? mod) as IORedisCtor & { Cluster?: IORedisClusterCtor };
  const Cluster = Redis.Cluster ?? mod.Cluster;
  if (typeof Redis !== 'function' || typeof Cluster !== 'function') throw new Error('chaos: ioredis not found; run `npm ci`');
  return { Redis, Cluster };
}

export async function loadIORedis(): Promise<IORedisCtor> {
  return (await load()).Redis;
}

export async function loadIORedisCluster(): Promise<IORedisClusterCtor> {
  return (await load()).Cluster;
}
