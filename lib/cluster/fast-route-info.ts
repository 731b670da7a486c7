import type { RedisArg } from '../protocol/resp-value.js';
import type { FastCommandInfo } from './command-router.js';
import { builtinKeylessPolicy, type KeylessPolicy, type ResponsePolicy } from './command-policy.js';
import { commandSpecForArgs } from '../client/commands/command-table.js';
import { keyIndexesOf, type CommandSpec } from '../client/commands/command-spec.js';

function lowerName(arg: RedisArg | undefined): string {
  return arg === undefined ? '' : (typeof arg === 'string' ? arg : arg.toString()).toLowerCase();
}

const RESPONSE: Record<NonNullable<CommandSpec['responsePolicy']>, ResponsePolicy> = {
  'all-succeeded': 'all-succeeded', 'one-succeeded': 'one-succeeded', 'agg-sum': 'sum', 'agg-logical-and': 'logical-and',
  'agg-min': 'min',
};

function policyOfSpec(spec: CommandSpec): KeylessPolicy | undefined {
  if (spec.requestPolicy === undefined) return undefined;
  return {
    request: spec.requestPolicy === 'all-shards' ? 'all-primaries' : 'all-nodes',
    response: spec.responsePolicy === undefined ? 'concat' : RESPONSE[spec.responsePolicy],
  };
}

/**
 * The router's fast path: key positions, readonly flag and fan-out policy from the client's command table
 * (lib/client/commands, the one place that knows them), then the built-in keyless policies. `undefined` sends the
 * router to COMMAND INFO (cached per cluster) for commands the table does not know.
 */
export function fastRouteInfo(args: readonly RedisArg[]): FastCommandInfo | undefined {
  const name = lowerName(args[0]);
  const sub = args.length > 1 ? lowerName(args[1]) : undefined;
  const spec = commandSpecForArgs(args);
  if (spec !== undefined) {
    const keys = keyIndexesOf(spec, args).map((i) => args[i] as RedisArg);
    const policy = keys.length > 0 ? undefined : (policyOfSpec(spec) ?? builtinKeylessPolicy(name, sub));
    return policy === undefined ? { keys, readonly: spec.readonly } : { keys, readonly: spec.readonly, policy };
  }
  const policy = builtinKeylessPolicy(name, sub);
  return policy === undefined ? undefined : { keys: [], readonly: false, policy };
}
