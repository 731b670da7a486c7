export type { CommandCall, CallOptions } from './command-call.js';
export { CommandsBase } from './commands-base.js';
export type { RedisCommands, ChainableCommands } from './redis-commands.js';
export { commandMethodNames, type CommandMethodName, type RedisCommandMethods } from './command-methods.js';
export type { CommandSpec, KeyRange, KeyFinder } from './command-spec.js';
export {
  commandSpecFor, commandSpecForArgs, getKeyIndexes, getKeys, blockTimeoutFor, isReadonlyCommand, knownCommandNames,
} from './command-table.js';
export type { RedisKey, RedisValue, StringOrBuffer, ScoredMember, ExpireCondition } from './command-types.js';
export type { SetOptions, GetExOptions, KeyValuePairs, StringCommands } from './string-commands.js';
