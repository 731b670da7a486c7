import type { RedisArg } from '../../protocol/resp-value.js';
import type { RedisKey, StringOrBuffer } from './command-types.js';
import { firstKey, keyRange, read, write, type CommandSpec } from './command-spec.js';
import { methodTable, type OptionKeys } from './method-spec.js';
import { asArray, asInteger, asNullableInteger } from './reply-transforms.js';

export interface BitRange {
  start: number;
  end: number;
  /** Units of start/end (Redis 7; default BYTE). */
  unit?: 'BYTE' | 'BIT';
}

/** One BITFIELD operation. `type` such as 'u8', 'i16'; `offset` a number or '#n' (multiplied by the type width). */
export type BitFieldOperation =
  | { op: 'GET'; type: string; offset: number | string }
  | { op: 'SET'; type: string; offset: number | string; value: number }
  | { op: 'INCRBY'; type: string; offset: number | string; increment: number }
  | { op: 'OVERFLOW'; behavior: 'WRAP' | 'SAT' | 'FAIL' };

// The reply-view parameter every family takes (bitmap replies are numbers only).
export interface BitmapCommands<_S extends StringOrBuffer = string> {
  /** The bit's previous value. */
  setbit(key: RedisKey, offset: number, value: 0 | 1): Promise<0 | 1>;
  getbit(key: RedisKey, offset: number): Promise<0 | 1>;
  bitcount(key: RedisKey, range?: BitRange): Promise<number>;
  /** Position of the first bit set to `bit`, or -1. */
  bitpos(key: RedisKey, bit: 0 | 1, range?: { start: number; end?: number; unit?: 'BYTE' | 'BIT' }): Promise<number>;
  /** Size of the destination string. */
  bitop(operation: 'AND' | 'OR' | 'XOR' | 'NOT', destination: RedisKey, ...keys: RedisKey[]): Promise<number>;
  /** One result per GET/SET/INCRBY (null when OVERFLOW FAIL stopped an increment). */
  bitfield(key: RedisKey, operations: BitFieldOperation[]): Promise<(number | null)[]>;
}

const bitRangeKeys: OptionKeys<BitRange> = { start: true, end: true, unit: true };

function rangeArgs(range: { start: number; end?: number; unit?: 'BYTE' | 'BIT' } | undefined): RedisArg[] {
  if (range === undefined) return [];
  const args: RedisArg[] = [range.start];
  if (range.end !== undefined) args.push(range.end);
  if (range.unit !== undefined && range.end !== undefined) args.push(range.unit);
  return args;
}

function bitfieldArgs(operations: BitFieldOperation[]): RedisArg[] {
  return operations.flatMap((o): RedisArg[] => {
    switch (o.op) {
      case 'GET':
        return ['GET', o.type, o.offset];
      case 'SET':
        return ['SET', o.type, o.offset, o.value];
      case 'INCRBY':
        return ['INCRBY', o.type, o.offset, o.increment];
      case 'OVERFLOW':
        return ['OVERFLOW', o.behavior];
    }
  });
}

export const bitmapMethods = methodTable<BitmapCommands>({
  setbit: { params: ['key', 'offset', 'value'], args: (key, offset, value) => ['SETBIT', key, offset, value], reply: (r) => asInteger(r) as 0 | 1 },
  getbit: { params: ['key', 'offset'], args: (key, offset) => ['GETBIT', key, offset], reply: (r) => asInteger(r) as 0 | 1 },
  bitcount: {
    params: ['key', 'range?'],
    options: bitRangeKeys,
    args: (key, range) => ['BITCOUNT', key, ...rangeArgs(range)],
    reply: asInteger,
  },
  bitpos: {
    params: ['key', 'bit', 'range?'],
    options: bitRangeKeys,
    args: (key, bit, range) => ['BITPOS', key, bit, ...rangeArgs(range)],
    reply: asInteger,
  },
  bitop: { params: ['operation', 'destination', '...keys'], args: (op, dst, ...keys) => ['BITOP', op, dst, ...keys], reply: asInteger },
  bitfield: { params: ['key', 'operations'], args: (key, ops) => ['BITFIELD', key, ...bitfieldArgs(ops)], reply: (r) => asArray(r).map(asNullableInteger) },
});

export const bitmapCommandSpecs: CommandSpec[] = [
  write('SETBIT', firstKey),
  read('GETBIT', firstKey),
  read('BITCOUNT', firstKey),
  read('BITPOS', firstKey),
  write('BITOP', keyRange(2, -1)),
  write('BITFIELD', firstKey),
  read('BITFIELD_RO', firstKey),
];
