import {
  blockTimeoutFor, commandSpecFor, commandSpecForArgs, getKeyIndexes, getKeys, isReadonlyCommand, knownCommandNames,
} from '../../lib/client/commands/index.js';
import { allCommandSpecs } from '../../lib/client/commands/all-command-specs.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';

describe('command table: key positions for cluster routing', () => {
  it.each<[string, RedisArg[], RedisArg[]]>([
    ['GET', ['GET', 'k'], ['k']],
    ['SET with options', ['SET', 'k', 'v', 'EX', 10], ['k']],
    ['MGET', ['MGET', 'a', 'b', 'c'], ['a', 'b', 'c']],
    ['MSET steps over values', ['MSET', 'a', '1', 'b', '2'], ['a', 'b']],
    ['lower-case name', ['mget', 'a', 'b'], ['a', 'b']],
    ['BLPOP excludes the timeout', ['BLPOP', 'a', 'b', 0], ['a', 'b']],
    ['BLMOVE', ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', 0], ['src', 'dst']],
    ['BLMPOP numkeys', ['BLMPOP', 0, 2, 'a', 'b', 'LEFT', 'COUNT', 3], ['a', 'b']],
    ['LMPOP numkeys', ['LMPOP', 1, 'a', 'RIGHT'], ['a']],
    ['EVAL numkeys', ['EVAL', 'return 1', 2, 'k1', 'k2', 'arg'], ['k1', 'k2']],
    ['EVALSHA no keys', ['EVALSHA', 'abc', 0, 'arg'], []],
    ['FCALL', ['FCALL', 'fn', 1, 'k', 'a'], ['k']],
    ['ZUNIONSTORE destination + numkeys', ['ZUNIONSTORE', 'dst', 2, 'a', 'b', 'WEIGHTS', 1, 2], ['dst', 'a', 'b']],
    ['ZINTERCARD', ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 1], ['a', 'b']],
    ['BZMPOP', ['BZMPOP', 1, 1, 'z', 'MIN'], ['z']],
    ['XREAD STREAMS', ['XREAD', 'COUNT', 2, 'STREAMS', 's1', 's2', '0', '0'], ['s1', 's2']],
    ['XREADGROUP', ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>'], ['s']],
    ['XGROUP CREATE', ['XGROUP', 'CREATE', 's', 'g', '$'], ['s']],
    ['XINFO STREAM', ['XINFO', 'STREAM', 's'], ['s']],
    ['OBJECT ENCODING', ['OBJECT', 'ENCODING', 'k'], ['k']],
    ['MEMORY USAGE', ['MEMORY', 'USAGE', 'k', 'SAMPLES', 5], ['k']],
    ['BITOP skips the operation', ['BITOP', 'AND', 'dst', 'a', 'b'], ['dst', 'a', 'b']],
    ['SPUBLISH routes by channel', ['SPUBLISH', 'ch', 'msg'], ['ch']],
    ['WATCH', ['WATCH', 'a', 'b'], ['a', 'b']],
    ['key-less', ['PING'], []],
    ['unknown command', ['MODULE.CMD', 'x'], []],
    ['Buffer key', ['GET', Buffer.from('k')], [Buffer.from('k')]],
  ])('%s', (_title, args, keys) => {
    expect(getKeys(args)).toEqual(keys);
  });

  it('never returns an index outside the args (truncated numkeys)', () => {
    expect(getKeyIndexes(['EVAL', 'return 1', 3, 'only-one'])).toEqual([3]);
  });

  it('finds rows by name and subcommand', () => {
    expect(commandSpecFor('get')?.readonly).toBe(true);
    expect(commandSpecFor('XGROUP', 'create')?.readonly).toBe(false);
    expect(commandSpecFor('XGROUP')?.subcommands?.['DESTROY']).toBeDefined();
    expect(commandSpecFor('NOPE')).toBeUndefined();
    expect(commandSpecForArgs(['config', 'get', 'x'])?.name).toBe('GET');
  });

  it('marks only known non-writing commands read-only', () => {
    expect(isReadonlyCommand(['GET', 'k'])).toBe(true);
    expect(isReadonlyCommand(['XINFO', 'GROUPS', 's'])).toBe(true);
    expect(isReadonlyCommand(['SET', 'k', 'v'])).toBe(false);
    expect(isReadonlyCommand(['EVAL_RO', 'x', 0])).toBe(true);
    expect(isReadonlyCommand(['EVAL', 'x', 0])).toBe(false);
    expect(isReadonlyCommand(['UNKNOWN'])).toBe(false);
  });

  it('carries fan-out hints for key-less whole-keyspace commands', () => {
    expect(commandSpecFor('DBSIZE')).toMatchObject({ requestPolicy: 'all-shards', responsePolicy: 'agg-sum' });
    expect(commandSpecFor('SCRIPT', 'LOAD')).toMatchObject({ requestPolicy: 'all-nodes' });
    expect(commandSpecFor('GET')?.requestPolicy).toBeUndefined();
  });

  it('has one row per command name', () => {
    const names = allCommandSpecs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(knownCommandNames().length).toBe(names.length);
  });
});

describe('command table: blocking detection', () => {
  it.each<[string, RedisArg[], number | undefined]>([
    ['BLPOP seconds', ['BLPOP', 'a', 2], 2000],
    ['BLPOP fractional seconds', ['BLPOP', 'a', '0.25'], 250],
    ['BLPOP forever', ['BLPOP', 'a', 0], 0],
    ['BRPOP', ['BRPOP', 'a', 'b', 1], 1000],
    ['BLMOVE', ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 3], 3000],
    ['BRPOPLPUSH', ['BRPOPLPUSH', 'a', 'b', 1], 1000],
    ['BLMPOP timeout first', ['BLMPOP', 5, 1, 'a', 'LEFT'], 5000],
    ['BZPOPMIN', ['BZPOPMIN', 'z', 1], 1000],
    ['BZPOPMAX', ['bzpopmax', 'z', 0], 0],
    ['BZMPOP', ['BZMPOP', 2, 1, 'z', 'MAX'], 2000],
    ['XREAD BLOCK', ['XREAD', 'BLOCK', 1500, 'STREAMS', 's', '$'], 1500],
    ['XREAD BLOCK 0', ['XREAD', 'COUNT', 1, 'block', 0, 'STREAMS', 's', '$'], 0],
    ['XREAD without BLOCK', ['XREAD', 'STREAMS', 's', '0'], undefined],
    ['XREAD with a stream named BLOCK', ['XREAD', 'STREAMS', 'BLOCK', '0'], undefined],
    ['XREADGROUP BLOCK', ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 100, 'STREAMS', 's', '>'], 100],
    ['WAIT', ['WAIT', 1, 500], 500],
    ['WAITAOF', ['WAITAOF', 1, 0, 700], 700],
    ['GET', ['GET', 'k'], undefined],
    ['unknown', ['FOO'], undefined],
  ])('%s', (_title, args, expected) => {
    expect(blockTimeoutFor(args)).toBe(expected);
  });
});
