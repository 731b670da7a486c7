import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { container, keysAfterNumkeys, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { asArray, asBooleanArray, asNullableText, asOk, asPairs, asText, asTextArray } from './reply-transforms.js';

export type FlushMode = 'ASYNC' | 'SYNC';

export interface FunctionInfo {
  name: string;
  description: string | null;
  flags: string[];
}

export interface FunctionLibraryInfo {
  libraryName: string;
  engine: string;
  functions: FunctionInfo[];
  /** With `WITHCODE: true`. */
  libraryCode?: string;
}

export interface ScriptingCommands<S extends StringOrBuffer = string> {
  /** Runs a Lua script. The reply is the script's return value as decoded (strings or, on a Buffer view, Buffers). */
  eval(script: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  evalsha(sha1: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  /** Read-only variants (may run on replicas; a write inside fails). */
  eval_ro(script: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  evalsha_ro(sha1: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  /** Caches a script; returns its SHA1. */
  scriptLoad(script: string): Promise<string>;
  scriptExists(...sha1s: string[]): Promise<boolean[]>;
  scriptFlush(mode?: FlushMode): Promise<'OK'>;
  fcall(fn: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  fcall_ro(fn: string, keys?: RedisKey[], args?: RedisValue[]): Promise<RespValue>;
  /** Loads a library (`#!lua name=mylib ...`); returns the library name. */
  functionLoad(code: string, options?: { REPLACE?: boolean }): Promise<S>;
  functionDelete(libraryName: string): Promise<'OK'>;
  functionFlush(mode?: FlushMode): Promise<'OK'>;
  functionList(options?: { LIBRARYNAME?: string; WITHCODE?: boolean }): Promise<FunctionLibraryInfo[]>;
}

function scriptArgs(command: string, scriptOrName: string, keys: RedisKey[] = [], args: RedisValue[] = []): RedisArg[] {
  return [command, scriptOrName, keys.length, ...keys, ...args];
}

const asIs = (reply: RespValue): RespValue => reply;

function asFunctionLibraries(reply: RespValue): FunctionLibraryInfo[] {
  return asArray(reply).map((lib) => {
    const f = new Map(asPairs(lib).map(([k, v]) => [asText(k), v]));
    const info: FunctionLibraryInfo = {
      libraryName: asText(f.get('library_name') ?? null),
      engine: asText(f.get('engine') ?? null),
      functions: asArray(f.get('functions') ?? null).map((fn) => {
        const g = new Map(asPairs(fn).map(([k, v]) => [asText(k), v]));
        return { name: asText(g.get('name') ?? null), description: asNullableText(g.get('description') ?? null), flags: asTextArray(g.get('flags') ?? null) };
      }),
    };
    if (f.has('library_code')) info.libraryCode = asText(f.get('library_code') ?? null);
    return info;
  });
}

function flushArgs(command: string, mode?: FlushMode): RedisArg[] {
  return mode ? [command, 'FLUSH', mode] : [command, 'FLUSH'];
}

export const scriptingMethods = methodTable<ScriptingCommands>({
  eval: { params: ['script', 'keys?', 'args?'], args: (script, keys, args) => scriptArgs('EVAL', script, keys, args), reply: asIs },
  evalsha: { params: ['sha1', 'keys?', 'args?'], args: (sha, keys, args) => scriptArgs('EVALSHA', sha, keys, args), reply: asIs },
  eval_ro: { params: ['script', 'keys?', 'args?'], args: (script, keys, args) => scriptArgs('EVAL_RO', script, keys, args), reply: asIs },
  evalsha_ro: { params: ['sha1', 'keys?', 'args?'], args: (sha, keys, args) => scriptArgs('EVALSHA_RO', sha, keys, args), reply: asIs },
  scriptLoad: { params: ['script'], args: (script) => ['SCRIPT', 'LOAD', script], reply: asText },
  scriptExists: { params: ['...sha1s'], args: (...shas) => ['SCRIPT', 'EXISTS', ...shas], reply: asBooleanArray },
  scriptFlush: { params: ['mode?'], args: (mode) => flushArgs('SCRIPT', mode), reply: asOk },
  fcall: { params: ['fn', 'keys?', 'args?'], args: (fn, keys, args) => scriptArgs('FCALL', fn, keys, args), reply: asIs },
  fcall_ro: { params: ['fn', 'keys?', 'args?'], args: (fn, keys, args) => scriptArgs('FCALL_RO', fn, keys, args), reply: asIs },
  functionLoad: {
    params: ['code', 'options?'],
    options: { REPLACE: true },
    args: (code, o = {}) => (o.REPLACE ? ['FUNCTION', 'LOAD', 'REPLACE', code] : ['FUNCTION', 'LOAD', code]),
    reply: (r) => r as string,
  },
  functionDelete: { params: ['libraryName'], args: (name) => ['FUNCTION', 'DELETE', name], reply: asOk },
  functionFlush: { params: ['mode?'], args: (mode) => flushArgs('FUNCTION', mode), reply: asOk },
  functionList: {
    params: ['options?'],
    options: { LIBRARYNAME: true, WITHCODE: true },
    args: (o = {}) => {
      const args: RedisArg[] = ['FUNCTION', 'LIST'];
      if (o.LIBRARYNAME !== undefined) args.push('LIBRARYNAME', o.LIBRARYNAME);
      if (o.WITHCODE) args.push('WITHCODE');
      return args;
    },
    reply: asFunctionLibraries,
  },
});

const allNodes = { requestPolicy: 'all-nodes', responsePolicy: 'all-succeeded' } as const;
const allShards = { requestPolicy: 'all-shards', responsePolicy: 'all-succeeded' } as const;

export const scriptingCommandSpecs: CommandSpec[] = [
  write('EVAL', keysAfterNumkeys(2)),
  write('EVALSHA', keysAfterNumkeys(2)),
  read('EVAL_RO', keysAfterNumkeys(2)),
  read('EVALSHA_RO', keysAfterNumkeys(2)),
  write('FCALL', keysAfterNumkeys(2)),
  read('FCALL_RO', keysAfterNumkeys(2)),
  container('SCRIPT', [
    write('LOAD', undefined, allNodes),
    read('EXISTS', undefined, { requestPolicy: 'all-shards', responsePolicy: 'agg-logical-and' }),
    write('FLUSH', undefined, allNodes),
    write('KILL', undefined, { requestPolicy: 'all-nodes', responsePolicy: 'one-succeeded' }),
    read('HELP'),
  ]),
  container('FUNCTION', [
    write('LOAD', undefined, allShards),
    write('DELETE', undefined, allShards),
    write('FLUSH', undefined, allShards),
    write('RESTORE', undefined, allShards),
    read('LIST'),
    read('DUMP'),
    read('STATS'),
    write('KILL', undefined, { requestPolicy: 'all-nodes', responsePolicy: 'one-succeeded' }),
    read('HELP'),
  ]),
];
