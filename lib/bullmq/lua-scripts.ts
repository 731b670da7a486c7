import { createHash } from 'node:crypto';
import { DataError, type RedisArg } from '../index.js';

/** One script registered by BullMQ's `defineCommand`. */
export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
  readonly numberOfKeys: number;
}

/**
 * BullMQ's named Lua scripts (it registers ~50 at connect, named `<script>:<version>`). Shared between a
 * connection and its duplicates, which BullMQ registers the same scripts on again.
 */
export class LuaScripts {
  readonly #byName = new Map<string, LuaScript>();

  define(name: string, definition: { numberOfKeys: number; lua: string }): void {
    if (this.#byName.get(name)?.lua === definition.lua) return;
    const sha = createHash('sha1').update(definition.lua).digest('hex');
    this.#byName.set(name, { name, lua: definition.lua, sha, numberOfKeys: definition.numberOfKeys });
  }

  get(name: string): LuaScript {
    const script = this.#byName.get(name);
    if (script === undefined) {
      throw new DataError(`BullMQ asked for script '${name}', which was never defined on this connection: use the connection returned by createBullMQConnection() (or its duplicates) for every Queue/Worker.`, { command: 'EVALSHA' });
    }
    return script;
  }

  copyTo(other: LuaScripts): void {
    for (const [name, script] of this.#byName) other.#byName.set(name, script);
  }
}

/**
 * KEYS then ARGV as BullMQ passes them (one array, or spread), as command arguments: Buffers (msgpack) kept,
 * null/undefined sent as '' (what ioredis does, so positions do not shift), everything else as a string.
 */
export function scriptArgs(args: readonly unknown[]): RedisArg[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return flat.map((arg) => (Buffer.isBuffer(arg) ? arg : arg === undefined || arg === null ? '' : String(arg)));
}
