import type { RedisArg } from '../../protocol/resp-value.js';
import { DataError } from '../../errors/index.js';
import type { RedisValue, StringOrBuffer } from './command-types.js';
import { container, read, write, type CommandSpec } from './command-spec.js';
import { methodTable, type OptionKeys } from './method-spec.js';
import { asBulk, asInteger, asNullableText, asOk, asText } from './reply-transforms.js';
import { asClientInfo, asClientList, type ClientInfo } from './server-replies.js';

export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** CLIENT KILL filters (at least one). */
export interface ClientKillFilter {
  ID?: number;
  ADDR?: string;
  LADDR?: string;
  TYPE?: ClientType;
  USER?: string;
  /** Whether to skip the calling connection (server default: yes). */
  SKIPME?: boolean;
  /** Redis 7.4+: only clients idle at least this many seconds. */
  MAXAGE?: number;
}

export interface ClientTrackingOptions {
  REDIRECT?: number;
  PREFIX?: string[];
  BCAST?: boolean;
  OPTIN?: boolean;
  OPTOUT?: boolean;
  NOLOOP?: boolean;
}

export interface ConnectionCommands<S extends StringOrBuffer = string> {
  /** 'PONG', or the message echoed. */
  ping(message?: RedisValue): Promise<string>;
  echo(message: RedisValue): Promise<S>;
  /**
   * Switches the database of the connection that runs it. On a pooled client prefer the `db` option:
   * a pool closes connections whose db changed instead of reusing them.
   */
  select(db: number): Promise<'OK'>;
  clientId(): Promise<number>;
  clientGetname(): Promise<string | null>;
  clientSetname(name: string): Promise<'OK'>;
  clientList(options?: { TYPE?: ClientType; ID?: number[] }): Promise<ClientInfo[]>;
  clientInfo(): Promise<ClientInfo>;
  /** Number of clients killed. */
  clientKill(filter: ClientKillFilter): Promise<number>;
  clientNoEvict(on: boolean): Promise<'OK'>;
  clientTracking(on: boolean, options?: ClientTrackingOptions): Promise<'OK'>;
  /** Client id invalidations are redirected to; 0 none, -1 tracking off. */
  clientGetredir(): Promise<number>;
}

const killFilterKeys: OptionKeys<ClientKillFilter> = { ID: true, ADDR: true, LADDR: true, TYPE: true, USER: true, SKIPME: true, MAXAGE: true };
const trackingOptionKeys: OptionKeys<ClientTrackingOptions> = { REDIRECT: true, PREFIX: true, BCAST: true, OPTIN: true, OPTOUT: true, NOLOOP: true };

function killArgs(filter: ClientKillFilter): RedisArg[] {
  const args: RedisArg[] = ['CLIENT', 'KILL'];
  if (filter.ID !== undefined) args.push('ID', filter.ID);
  if (filter.ADDR !== undefined) args.push('ADDR', filter.ADDR);
  if (filter.LADDR !== undefined) args.push('LADDR', filter.LADDR);
  if (filter.TYPE !== undefined) args.push('TYPE', filter.TYPE);
  if (filter.USER !== undefined) args.push('USER', filter.USER);
  if (filter.MAXAGE !== undefined) args.push('MAXAGE', filter.MAXAGE);
  if (filter.SKIPME !== undefined) args.push('SKIPME', filter.SKIPME ? 'yes' : 'no');
  if (args.length === 2 || (args.length === 4 && filter.SKIPME !== undefined)) {
    throw new DataError('CLIENT KILL needs a filter (ID, ADDR, LADDR, TYPE, USER or MAXAGE)');
  }
  return args;
}

function trackingArgs(on: boolean, o: ClientTrackingOptions): RedisArg[] {
  const args: RedisArg[] = ['CLIENT', 'TRACKING', on ? 'ON' : 'OFF'];
  if (o.REDIRECT !== undefined) args.push('REDIRECT', o.REDIRECT);
  for (const prefix of o.PREFIX ?? []) args.push('PREFIX', prefix);
  for (const flag of ['BCAST', 'OPTIN', 'OPTOUT', 'NOLOOP'] as const) if (o[flag]) args.push(flag);
  return args;
}

export const connectionMethods = methodTable<ConnectionCommands>({
  ping: { params: ['message?'], args: (message) => (message === undefined ? ['PING'] : ['PING', message]), reply: asText },
  echo: { params: ['message'], args: (message) => ['ECHO', message], reply: asBulk },
  select: { params: ['db'], args: (db) => ['SELECT', db], reply: asOk },
  clientId: { params: [], args: () => ['CLIENT', 'ID'], reply: asInteger },
  clientGetname: { params: [], args: () => ['CLIENT', 'GETNAME'], reply: asNullableText },
  clientSetname: { params: ['name'], args: (name) => ['CLIENT', 'SETNAME', name], reply: asOk },
  clientList: {
    params: ['options?'],
    options: { TYPE: true, ID: true },
    args: (o = {}) => {
      const args: RedisArg[] = ['CLIENT', 'LIST'];
      if (o.TYPE !== undefined) args.push('TYPE', o.TYPE);
      if (o.ID !== undefined) args.push('ID', ...o.ID);
      return args;
    },
    reply: asClientList,
  },
  clientInfo: { params: [], args: () => ['CLIENT', 'INFO'], reply: asClientInfo },
  clientKill: { params: ['filter'], options: killFilterKeys, args: (filter) => killArgs(filter), reply: asInteger },
  clientNoEvict: { params: ['on'], args: (on) => ['CLIENT', 'NO-EVICT', on ? 'ON' : 'OFF'], reply: asOk },
  clientTracking: { params: ['on', 'options?'], options: trackingOptionKeys, args: (on, o = {}) => trackingArgs(on, o), reply: asOk },
  clientGetredir: { params: [], args: () => ['CLIENT', 'GETREDIR'], reply: asInteger },
});

export const connectionCommandSpecs: CommandSpec[] = [
  read('PING', undefined, { requestPolicy: 'all-shards', responsePolicy: 'all-succeeded' }),
  read('ECHO'),
  write('SELECT'),
  read('AUTH'),
  read('HELLO'),
  read('QUIT'),
  write('RESET'),
  read('READONLY'),
  read('READWRITE'),
  read('ASKING'),
  container('CLIENT', [
    read('ID'), read('GETNAME'), write('SETNAME'), read('LIST'), read('INFO'), write('KILL'), write('NO-EVICT'),
    write('NO-TOUCH'), write('TRACKING'), read('TRACKINGINFO'), read('GETREDIR'), write('PAUSE'), write('UNPAUSE'),
    write('REPLY'), write('SETINFO'), write('CACHING'), write('UNBLOCK'), read('HELP'),
  ]),
];
