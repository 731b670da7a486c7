import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { AnyFlag, RedisKey, RedisValue, StringOrBuffer } from './command-types.js';
import { firstKey, keyRange, read, write, type CommandSpec } from './command-spec.js';
import { methodTable } from './method-spec.js';
import { checkShape } from './param-check.js';
import { asArray, asDouble, asInteger, asNullableDouble, asNullableText } from './reply-transforms.js';

export type GeoUnit = 'm' | 'km' | 'mi' | 'ft';

export interface GeoCoordinates {
  longitude: number;
  latitude: number;
}

export interface GeoMember extends GeoCoordinates {
  member: RedisValue;
}

/** GEOSEARCH origin: an existing member, or a point. */
export type GeoSearchFrom = { member: RedisValue } | GeoCoordinates;
/** GEOSEARCH area: a circle or a box, in `unit`. */
export type GeoSearchBy = { radius: number; unit: GeoUnit } | { width: number; height: number; unit: GeoUnit };

export interface GeoSearchOptions {
  /** Sort by distance from the origin. */
  order?: 'ASC' | 'DESC';
  COUNT?: number;
  /** With COUNT: stop at the first COUNT matches (faster, not the nearest). */
  ANY?: boolean;
  WITHCOORD?: boolean;
  WITHDIST?: boolean;
  WITHHASH?: boolean;
}

/** A GEOSEARCH hit with the WITH* data that was asked for. */
export interface GeoSearchHit<S extends StringOrBuffer = string> {
  member: S;
  /** With WITHDIST, in the search unit. */
  distance?: number;
  /** With WITHHASH: the 52-bit geohash integer. */
  hash?: number;
  /** With WITHCOORD. */
  coordinates?: GeoCoordinates;
}

export interface GeoCommands<S extends StringOrBuffer = string> {
  /** Number of members added (changed, with CH). */
  geoadd(key: RedisKey, members: GeoMember | GeoMember[], options?: { NX?: boolean; XX?: boolean; CH?: boolean }): Promise<number>;
  geopos(key: RedisKey, ...members: RedisValue[]): Promise<(GeoCoordinates | null)[]>;
  /** Distance, or null when a member does not exist. */
  geodist(key: RedisKey, member1: RedisValue, member2: RedisValue, unit?: GeoUnit): Promise<number | null>;
  geohash(key: RedisKey, ...members: RedisValue[]): Promise<(string | null)[]>;
  /** Members in the area; `{ member, distance?, hash?, coordinates? }` objects when any WITH* option is set. */
  geosearch<O extends GeoSearchOptions = {}>(key: RedisKey, from: GeoSearchFrom, by: GeoSearchBy, options?: O): Promise<AnyFlag<O, 'WITHCOORD' | 'WITHDIST' | 'WITHHASH', GeoSearchHit<S>[], S[]>>;
}

function asCoordinates(value: RespValue): GeoCoordinates {
  const [longitude, latitude] = asArray(value);
  return { longitude: asDouble(longitude ?? null), latitude: asDouble(latitude ?? null) };
}

function searchArgs(key: RedisKey, from: GeoSearchFrom, by: GeoSearchBy, options: GeoSearchOptions): RedisArg[] {
  const args: RedisArg[] = ['GEOSEARCH', key];
  checkShape('GEOSEARCH', 'from', from, [['member'], ['longitude', 'latitude']]);
  checkShape('GEOSEARCH', 'by', by, [['radius', 'unit'], ['width', 'height', 'unit']]);
  if ('member' in from) args.push('FROMMEMBER', from.member);
  else args.push('FROMLONLAT', from.longitude, from.latitude);
  if ('radius' in by) args.push('BYRADIUS', by.radius, by.unit);
  else args.push('BYBOX', by.width, by.height, by.unit);
  if (options.order) args.push(options.order);
  if (options.COUNT !== undefined) args.push('COUNT', options.COUNT, ...(options.ANY ? ['ANY'] : []));
  if (options.WITHCOORD) args.push('WITHCOORD');
  if (options.WITHDIST) args.push('WITHDIST');
  if (options.WITHHASH) args.push('WITHHASH');
  return args;
}

/** Each hit is `[member, dist?, hash?, [lon, lat]?]` in this fixed order, only the parts asked for. */
function asSearchHits(reply: RespValue, options: GeoSearchOptions): GeoSearchHit[] {
  return asArray(reply).map((item) => {
    const parts = asArray(item);
    const hit: GeoSearchHit = { member: parts[0] as string };
    let i = 1;
    if (options.WITHDIST) hit.distance = asDouble(parts[i++] ?? null);
    if (options.WITHHASH) hit.hash = asInteger(parts[i++] ?? null);
    if (options.WITHCOORD) hit.coordinates = asCoordinates(parts[i] ?? null);
    return hit;
  });
}

export const geoMethods = methodTable<GeoCommands>({
  geoadd: {
    params: ['key', 'members', 'options?'],
    options: { NX: true, XX: true, CH: true },
    args: (key, members, options = {}) => {
      const args: RedisArg[] = ['GEOADD', key];
      for (const flag of ['NX', 'XX', 'CH'] as const) if (options[flag]) args.push(flag);
      for (const m of Array.isArray(members) ? members : [members]) args.push(m.longitude, m.latitude, m.member);
      return args;
    },
    reply: asInteger,
  },
  geopos: { params: ['key', '...members'], args: (key, ...members) => ['GEOPOS', key, ...members], reply: (r) => asArray(r).map((p) => (p === null ? null : asCoordinates(p))) },
  geodist: {
    params: ['key', 'member1', 'member2', 'unit?'],
    args: (key, m1, m2, unit) => (unit === undefined ? ['GEODIST', key, m1, m2] : ['GEODIST', key, m1, m2, unit]),
    reply: asNullableDouble,
  },
  geohash: { params: ['key', '...members'], args: (key, ...members) => ['GEOHASH', key, ...members], reply: (r) => asArray(r).map(asNullableText) },
  geosearch: {
    params: ['key', 'from', 'by', 'options?'],
    options: { order: true, COUNT: true, ANY: true, WITHCOORD: true, WITHDIST: true, WITHHASH: true },
    args: (key, from, by, options = {}) => searchArgs(key, from, by, options),
    reply: (r, [, , , options = {}]) =>
      (options.WITHCOORD || options.WITHDIST || options.WITHHASH ? asSearchHits(r, options) : asArray(r)) as never,
  },
});

export const geoCommandSpecs: CommandSpec[] = [
  write('GEOADD', firstKey),
  read('GEOPOS', firstKey),
  read('GEODIST', firstKey),
  read('GEOHASH', firstKey),
  read('GEOSEARCH', firstKey),
  write('GEOSEARCHSTORE', keyRange(1, 2)),
  // GEORADIUS may STORE; the *_RO forms never write.
  write('GEORADIUS', firstKey),
  write('GEORADIUSBYMEMBER', firstKey),
  read('GEORADIUS_RO', firstKey),
  read('GEORADIUSBYMEMBER_RO', firstKey),
];
