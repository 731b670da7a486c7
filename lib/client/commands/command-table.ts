import type { RedisArg } from '../../protocol/resp-value.js';
import { argText, keyIndexesOf, type CommandSpec } from './command-spec.js';
import { allCommandSpecs } from './all-command-specs.js';

/**
 * The command table: one row per server command the library knows (every typed method's command and the common
 * rest), read by the typed methods (blocking), the cluster router (keys) and replica routing (readonly).
 */
const table = new Map<string, CommandSpec>();
for (const spec of allCommandSpecs) table.set(spec.name, spec);

/**
 * The row of a command by name (case-insensitive), or of its subcommand when given (`('XGROUP', 'CREATE')`).
 * undefined for commands the table does not know (modules, newer server commands): route those by `COMMAND INFO`.
 */
export function commandSpecFor(name: string, subcommand?: string): CommandSpec | undefined {
  const spec = table.get(name.toUpperCase());
  if (spec?.subcommands === undefined || subcommand === undefined) return spec;
  return spec.subcommands[subcommand.toUpperCase()];
}

/** The most specific row for a full argument list (subcommand row for container commands). */
export function commandSpecForArgs(args: readonly RedisArg[]): CommandSpec | undefined {
  // Typed methods send upper-case names: try the exact string before upper-casing (hot path).
  const first = args[0];
  const spec = (typeof first === 'string' ? table.get(first) : undefined) ?? table.get(argText(first));
  if (spec?.subcommands === undefined) return spec;
  return spec.subcommands[argText(args[1])];
}

/** Indexes into `args` of the key arguments (`args[0]` is the command name). [] for key-less or unknown commands. */
export function getKeyIndexes(args: readonly RedisArg[]): number[] {
  const spec = commandSpecForArgs(args);
  return spec ? keyIndexesOf(spec, args) : [];
}

/** The key arguments of a command, for slot routing. */
export function getKeys(args: readonly RedisArg[]): RedisArg[] {
  return getKeyIndexes(args).map((i) => args[i] as RedisArg);
}

/**
 * How long this command may block the connection, in ms (0 = possibly forever), or undefined when it does not
 * block (ordinary commands; XREAD without BLOCK).
 */
export function blockTimeoutFor(args: readonly RedisArg[]): number | undefined {
  return commandSpecForArgs(args)?.blockTimeout?.(args);
}

/** True when the table knows the command never writes (safe on a replica). Unknown commands count as writes. */
export function isReadonlyCommand(args: readonly RedisArg[]): boolean {
  return commandSpecForArgs(args)?.readonly ?? false;
}

/** Names of every command in the table (upper-case, containers by their own name). */
export function knownCommandNames(): string[] {
  return [...table.keys()];
}
