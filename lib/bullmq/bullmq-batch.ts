import type { IRedisTransaction } from 'bullmq';
import type { PipelineResult, RedisApi, RedisArg, RespValue } from '../index.js';
import { hashObject } from './ioredis-replies.js';
import { scriptArgs, type LuaScript, type LuaScripts } from './lua-scripts.js';

interface QueuedOp {
  args: RedisArg[];
  script?: LuaScript;
  shape?: (reply: RespValue) => unknown;
}

/**
 * BullMQ's pipeline/MULTI (`IRedisTransaction`) over a redwire `pipeline()` or `multi()`. Commands are recorded and
 * handed to redwire at `exec()`, when it is known which scripts the batch runs: on one connection (standalone,
 * Sentinel) a `SCRIPT LOAD` of each is sent first in the same batch, so its `EVALSHA`s cannot meet NOSCRIPT (after a
 * failover, say) and a MULTI stays whole; on a cluster, where a batch spans nodes, the scripts go as `EVAL`.
 */
export class BullMQBatch implements IRedisTransaction {
  readonly #ops: QueuedOp[] = [];
  readonly #client: RedisApi;
  readonly #atomic: boolean;
  readonly #scripts: LuaScripts;
  readonly #cluster: boolean;

  constructor(client: RedisApi, options: { atomic: boolean; scripts: LuaScripts; cluster: boolean }) {
    this.#client = client;
    this.#atomic = options.atomic;
    this.#scripts = options.scripts;
    this.#cluster = options.cluster;
  }

  hgetall(key: string): this {
    return this.#push({ args: ['HGETALL', key], shape: hashObject });
  }

  hset(key: string, data: Record<string, string | number>): this {
    const args: RedisArg[] = ['HSET', key];
    for (const [field, value] of Object.entries(data)) args.push(field, value);
    return this.#push({ args });
  }

  hscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.#push({ args: ['HSCAN', key, cursor, ...(options?.COUNT !== undefined ? ['COUNT', options.COUNT] : [])] });
  }

  smembers(key: string): this {
    return this.#push({ args: ['SMEMBERS', key] });
  }

  sscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.#push({ args: ['SSCAN', key, cursor, ...(options?.COUNT !== undefined ? ['COUNT', options.COUNT] : [])] });
  }

  zrange(key: string, start: number, end: number): this {
    return this.#push({ args: ['ZRANGE', key, start, end] });
  }

  lrange(key: string, start: number, end: number): this {
    return this.#push({ args: ['LRANGE', key, start, end] });
  }

  llen(key: string): this {
    return this.#push({ args: ['LLEN', key] });
  }

  del(...keys: string[]): this {
    return keys.length === 0 ? this : this.#push({ args: ['DEL', ...keys] });
  }

  runCommand(name: string, args: unknown[]): this {
    const script = this.#scripts.get(name);
    const rest = scriptArgs(args);
    const head = this.#cluster ? ['EVAL', script.lua] : ['EVALSHA', script.sha];
    return this.#push({ args: [...head, script.numberOfKeys, ...rest], script });
  }

  async exec(): Promise<PipelineResult | null> {
    const batch = this.#atomic ? this.#client.multi() : this.#client.pipeline();
    const loads = this.#cluster ? [] : [...new Set(this.#ops.flatMap((op) => (op.script === undefined ? [] : [op.script])))];
    for (const script of loads) batch.call('SCRIPT', 'LOAD', script.lua);
    for (const op of this.#ops) batch.call(String(op.args[0]), ...op.args.slice(1));
    const results = await batch.exec();
    return results.slice(loads.length).map(([error, reply], i): [Error | null, unknown] => {
      const shape = this.#ops[i]?.shape;
      return error !== null || shape === undefined ? [error, reply] : [null, shape(reply as RespValue)];
    });
  }

  #push(op: QueuedOp): this {
    this.#ops.push(op);
    return this;
  }
}
