import type { StringOrBuffer } from './command-types.js';
import type { ErasedMethodSpec } from './method-spec.js';
import { stringMethods, type StringCommands } from './string-commands.js';
import { keyMethods, type KeyCommands } from './key-commands.js';
import { hashMethods, type HashCommands } from './hash-commands.js';
import { listMethods, type ListCommands } from './list-commands.js';
import { setMethods, type SetCommands } from './set-commands.js';
import { sortedSetMethods, type SortedSetCommands } from './sorted-set-commands.js';
import { streamMethods, type StreamCommands } from './stream-commands.js';
import { hyperLogLogMethods, type HyperLogLogCommands } from './hyperloglog-commands.js';
import { bitmapMethods, type BitmapCommands } from './bitmap-commands.js';
import { geoMethods, type GeoCommands } from './geo-commands.js';
import { scriptingMethods, type ScriptingCommands } from './scripting-commands.js';
import { serverMethods, type ServerCommands } from './server-commands.js';
import { connectionMethods, type ConnectionCommands } from './connection-commands.js';
import { pubSubMethods, type PubSubCommands } from './pubsub-commands.js';

/**
 * Every typed method, by family. To add a family: write its interface + table in a `*-commands.ts` file, then add
 * it to `RedisCommandMethods`, `commandMethods` below and its rows to all-command-specs.ts.
 */
export interface RedisCommandMethods<S extends StringOrBuffer = string>
  extends StringCommands<S>,
    KeyCommands<S>,
    HashCommands<S>,
    ListCommands<S>,
    SetCommands<S>,
    SortedSetCommands<S>,
    StreamCommands<S>,
    HyperLogLogCommands<S>,
    BitmapCommands<S>,
    GeoCommands<S>,
    ScriptingCommands<S>,
    ServerCommands<S>,
    ConnectionCommands<S>,
    PubSubCommands<S> {}

export type CommandMethodName = keyof RedisCommandMethods;

export const commandMethods: Readonly<Record<CommandMethodName, ErasedMethodSpec>> = {
  ...stringMethods,
  ...keyMethods,
  ...hashMethods,
  ...listMethods,
  ...setMethods,
  ...sortedSetMethods,
  ...streamMethods,
  ...hyperLogLogMethods,
  ...bitmapMethods,
  ...geoMethods,
  ...scriptingMethods,
  ...serverMethods,
  ...connectionMethods,
  ...pubSubMethods,
};

/** Names of all typed methods (Pipeline wraps each to return `this`). */
export const commandMethodNames: readonly CommandMethodName[] = Object.freeze(Object.keys(commandMethods) as CommandMethodName[]);
