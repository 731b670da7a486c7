export type { CommandCall, CallOptions } from './command-call.js';
export { CommandsBase } from './commands-base.js';
export type { RedisCommands, ChainableCommands } from './redis-commands.js';
export { commandMethodNames, type CommandMethodName, type RedisCommandMethods } from './command-methods.js';
export type { CommandSpec, KeyRange, KeyFinder } from './command-spec.js';
export {
  commandSpecFor, commandSpecForArgs, getKeyIndexes, getKeys, blockTimeoutFor, isReadonlyCommand, knownCommandNames,
} from './command-table.js';
export { defineScript, Script, type ScriptOptions, type ScriptRunner } from './define-script.js';
export type { RedisKey, RedisValue, StringOrBuffer, ScoredMember, ExpireCondition, Flag, AnyFlag } from './command-types.js';
export type { ScanOptions, KeyScanOptions } from './scan-options.js';
export type { SetOptions, GetExOptions, KeyValuePairs, StringCommands } from './string-commands.js';
export type { CopyOptions, RestoreOptions, KeyType, KeyCommands } from './key-commands.js';
export type { HashCommands } from './hash-commands.js';
export type { ListSide, LposOptions, ListPopResult, ListCommands } from './list-commands.js';
export type { SetCommands } from './set-commands.js';
export type {
  ScoreBound, ZAddMember, ZAddOptions, ZRangeOptions, ZStoreOptions, KeyedScoredMember, SortedSetPopResult, SortedSetCommands,
} from './sorted-set-commands.js';
export type {
  StreamTrimOptions, XAddOptions, StreamOffsets, XReadOptions, XReadGroupOptions, XClaimOptions, StreamFieldValues, StreamCommands,
} from './stream-commands.js';
export type {
  StreamEntry, StreamMessages, PendingSummary, PendingEntry, AutoClaimResult, StreamInfo, StreamGroupInfo, StreamConsumerInfo,
} from './stream-replies.js';
export type { HyperLogLogCommands } from './hyperloglog-commands.js';
export type { BitRange, BitFieldOperation, BitmapCommands } from './bitmap-commands.js';
export type {
  GeoUnit, GeoCoordinates, GeoMember, GeoSearchFrom, GeoSearchBy, GeoSearchOptions, GeoSearchHit, GeoCommands,
} from './geo-commands.js';
export type { FlushMode, FunctionInfo, FunctionLibraryInfo, ScriptingCommands } from './scripting-commands.js';
export type { InfoReply, RoleInfo, ServerTime, ClientInfo } from './server-replies.js';
export type { ServerCommands } from './server-commands.js';
export type { ClientType, ClientKillFilter, ClientTrackingOptions, ConnectionCommands } from './connection-commands.js';
export type { PubSubCommands } from './pubsub-commands.js';
