import type { StringOrBuffer } from './command-types.js';
import type { MethodSpec } from './method-spec.js';
import { stringMethods, type StringCommands } from './string-commands.js';
import { keyMethods, type KeyCommands } from './key-commands.js';
import { hashMethods, type HashCommands } from './hash-commands.js';
import { listMethods, type ListCommands } from './list-commands.js';
import { setMethods, type SetCommands } from './set-commands.js';

/**
 * Every typed method, by family. To add a family: write its interface + table in a `*-commands.ts` file, then add
 * it to `RedisCommandMethods`, `commandMethods` below and its rows to all-command-specs.ts.
 */
export interface RedisCommandMethods<S extends StringOrBuffer = string>
  extends StringCommands<S>,
    KeyCommands<S>,
    HashCommands<S>,
    ListCommands<S>,
    SetCommands<S> {}

export type CommandMethodName = keyof RedisCommandMethods;

export const commandMethods: Record<CommandMethodName, MethodSpec<never, unknown>> = {
  ...stringMethods,
  ...keyMethods,
  ...hashMethods,
  ...listMethods,
  ...setMethods,
};

/** Names of all typed methods (Pipeline wraps each to return `this`). */
export const commandMethodNames: readonly CommandMethodName[] = Object.freeze(Object.keys(commandMethods) as CommandMethodName[]);
