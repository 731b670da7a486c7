import { createHash } from 'node:crypto';
import type { RespValue } from '../../protocol/resp-value.js';
import { DataError, NoScriptError } from '../../errors/index.js';
import type { RedisKey, RedisValue } from './command-types.js';

/** What a script needs from a client: any CommandsBase (RedisClient, ClusterClient, a withBuffers() view). */
export interface ScriptRunner {
  evalsha(sha1: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  eval(script: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  evalsha_ro(sha1: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  eval_ro(script: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
}

export interface ScriptOptions<T> {
  /** Expected number of keys; `run` rejects with DataError when given another count. */
  numberOfKeys?: number;
  /** Use EVALSHA_RO / EVAL_RO (the script must not write; may run on replicas). */
  readOnly?: boolean;
  /** Shapes the script's reply. */
  transform?: (reply: RespValue) => T;
}

/**
 * A Lua script run by SHA1. `run(client, keys, args)` sends EVALSHA; when the server does not know the script
 * (NOSCRIPT: restart, SCRIPT FLUSH, a new cluster node) it sends EVAL once, which also caches it for later EVALSHAs.
 *
 * ```ts
 * const incrCapped = defineScript(
 *   "local v = redis.call('INCR', KEYS[1]) if v > tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end return v",
 *   { numberOfKeys: 1, transform: (r) => r as number },
 * );
 * const value: number = await incrCapped.run(client, ['counter'], [10]);
 * ```
 */
export class Script<T = RespValue> {
  readonly lua: string;
  readonly sha1: string;
  readonly #options: ScriptOptions<T>;

  constructor(lua: string, options: ScriptOptions<T> = {}) {
    this.lua = lua;
    this.sha1 = createHash('sha1').update(lua).digest('hex');
    this.#options = options;
  }

  async run(client: ScriptRunner, keys: RedisKey[] = [], args: RedisValue[] = []): Promise<T> {
    const expected = this.#options.numberOfKeys;
    if (expected !== undefined && keys.length !== expected) {
      throw new DataError(`script ${this.sha1.slice(0, 8)} takes ${expected} key(s), got ${keys.length}`);
    }
    const readOnly = this.#options.readOnly === true;
    let reply: RespValue;
    try {
      reply = await (readOnly ? client.evalsha_ro(this.sha1, keys, args) : client.evalsha(this.sha1, keys, args));
    } catch (error) {
      if (!(error instanceof NoScriptError)) throw error;
      reply = await (readOnly ? client.eval_ro(this.lua, keys, args) : client.eval(this.lua, keys, args));
    }
    return this.#options.transform ? this.#options.transform(reply) : (reply as T);
  }
}

/** Defines a script once; run it on any client with `script.run(client, keys, args)`. */
export function defineScript<T = RespValue>(lua: string, options: ScriptOptions<T> = {}): Script<T> {
  return new Script<T>(lua, options);
}
