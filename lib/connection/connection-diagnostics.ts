import diagnosticsChannel from 'node:diagnostics_channel';
import type { RedisArg } from '../protocol/resp-value.js';
import type { ReplySink } from './pending-command.js';

/**
 * Context published on `redwire:command` (start, end, asyncStart, asyncEnd, error), shaped like `ioredis:command`
 * and `node-redis:command` so OpenTelemetry/Sentry subscribers adapt with a rename. `args` excludes the command
 * name; secrets (AUTH, HELLO … AUTH, MIGRATE … AUTH/AUTH2, ACL SETUSER passwords, CONFIG SET requirepass) are `?`.
 */
export interface CommandTraceContext {
  command: string;
  args: readonly RedisArg[];
  database: number;
  /** Host, or the unix socket path. */
  serverAddress: string;
  /** Port; undefined for unix sockets. */
  serverPort: number | undefined;
  /** The `Connection` that sends it, when the publisher passes it (for per-client attributes). */
  connection?: object;
  result?: unknown;
  error?: unknown;
}

/** Context published on `redwire:connect` for each socket open + handshake. */
export interface ConnectTraceContext {
  serverAddress: string;
  serverPort: number | undefined;
  database: number;
  result?: unknown;
  error?: unknown;
}

export const commandChannel = diagnosticsChannel.tracingChannel<string, CommandTraceContext>('redwire:command');
export const connectChannel = diagnosticsChannel.tracingChannel<string, ConnectTraceContext>('redwire:connect');

/**
 * Context of `redwire:batch` (start, then asyncEnd once every command of one `sendBatch` settled): a pipeline or
 * transaction written to one connection, published once instead of one `redwire:command` trace per command.
 * `commands` are the command names; `errors` counts the commands that failed, `error` is the first failure.
 *
 * `kind: 'transaction'` (see `traceTransaction`): MULTI … EXEC of `client.multi()`; `commands` are the queued
 * commands only (not MULTI/EXEC), `error` is the transaction's failure (WatchError, ExecAbortError, a connection
 * error) and `errors` the queued commands that failed. Without `kind`, a pipeline.
 */
export interface BatchTraceContext {
  kind?: 'pipeline' | 'transaction';
  commands: readonly string[];
  database: number;
  serverAddress: string;
  serverPort: number | undefined;
  connection?: object;
  errors: number;
  error?: Error;
}

export const batchChannel = diagnosticsChannel.tracingChannel<string, BatchTraceContext>('redwire:batch');

// Plain channels (one message per event). Publishers check `hasSubscribers` first: no cost when nobody listens.

/** `{ pool }` when a `ConnectionPool` is created, and when it finished closing. */
export interface PoolLifecycleMessage {
  pool: object;
}
/** `{ pool, connection }` when a pool creates a connection (`role`: shared or exclusive). */
export interface PoolConnectionMessage {
  pool: object;
  connection: object;
  role: 'shared' | 'exclusive';
}
/** `{ pool, waitMs }` when `acquire()` handed a connection out, `waitMs` after it was called. */
export interface PoolAcquireMessage {
  pool: object;
  waitMs: number;
}
/** A cluster command followed a MOVED or ASK redirection to `address`. */
export interface RedirectMessage {
  kind: 'moved' | 'ask';
  slot: number;
  address: string;
}
/** A primary changed: a Sentinel switch (`name` = master name) or a cluster promotion (`slots` moved). */
export interface FailoverMessage {
  kind: 'sentinel' | 'cluster';
  name?: string;
  from: string;
  to: string;
  slots?: number;
}
/** A Sentinel failover hold ended: `released` commands (or batches) held for `heldMs`. */
export interface FailoverHoldMessage {
  masterName: string;
  reason: string;
  heldMs: number;
  released: number;
}
/** Client-side cache: a lookup (`hit`/`miss`) or `evicted` entries (`reason`: full, ttl, invalidation, flush). */
export interface ClientCacheMessage {
  event: 'hit' | 'miss' | 'evicted';
  reason?: 'full' | 'ttl' | 'invalidation' | 'flush';
  count?: number;
}

/** Every channel name redwire publishes, defined once. */
export const REDWIRE_CHANNELS = Object.freeze({
  command: 'redwire:command',
  connect: 'redwire:connect',
  batch: 'redwire:batch',
  poolOpen: 'redwire:pool:open',
  poolClose: 'redwire:pool:close',
  poolConnection: 'redwire:pool:connection',
  poolAcquire: 'redwire:pool:acquire',
  redirect: 'redwire:cluster:redirect',
  failover: 'redwire:failover',
  failoverHold: 'redwire:failover:hold',
  clientCache: 'redwire:client-cache',
});

export const poolOpenChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.poolOpen);
export const poolCloseChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.poolClose);
export const poolConnectionChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.poolConnection);
export const poolAcquireChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.poolAcquire);
export const redirectChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.redirect);
export const failoverChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.failover);
export const failoverHoldChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.failoverHold);
export const clientCacheChannel = diagnosticsChannel.channel(REDWIRE_CHANNELS.clientCache);

const REDACTED = '?';

function upper(arg: RedisArg | undefined): string {
  return typeof arg === 'string' ? arg.toUpperCase() : Buffer.isBuffer(arg) ? arg.toString('latin1').toUpperCase() : String(arg);
}

/** The arguments after the command name, with secret values replaced by `?`. */
export function redactArgs(name: string, args: readonly RedisArg[]): RedisArg[] {
  const rest = args.slice(1);
  switch (name) {
    case 'AUTH':
      return rest.map(() => REDACTED);
    case 'HELLO':
    case 'MIGRATE':
      for (let i = 0; i < rest.length; i++) {
        const word = upper(rest[i]);
        const count = word === 'AUTH' ? (name === 'HELLO' ? 2 : 1) : word === 'AUTH2' ? 2 : 0;
        for (let j = 1; j <= count && i + j < rest.length; j++) rest[i + j] = REDACTED;
        i += count;
      }
      return rest;
    case 'ACL':
      if (upper(rest[0]) === 'SETUSER') {
        // Rules like >password, <password, #hash, !hash carry secrets.
        return rest.map((arg, i) => (i >= 2 && /^[<>#!]/.test(upper(arg)) ? REDACTED : arg));
      }
      return rest;
    case 'CONFIG':
      if (upper(rest[0]) === 'SET') {
        return rest.map((arg, i) => (i >= 2 && i % 2 === 0 && /PASS|AUTH/.test(upper(rest[i - 1])) ? REDACTED : arg));
      }
      return rest;
    default:
      return rest;
  }
}

/** Wraps a command's promise in the tracing channel. Call only when `commandChannel.hasSubscribers`. */
export function traceCommand<T>(
  run: () => Promise<T>,
  name: string,
  args: readonly RedisArg[],
  database: number,
  serverAddress: string,
  serverPort: number | undefined,
  connection?: object,
): Promise<T> {
  const context: CommandTraceContext = { command: name, args: redactArgs(name, args), database, serverAddress, serverPort, connection };
  return commandChannel.tracePromise(run, context);
}

/**
 * Publishes `start` of one batch on `redwire:batch` and returns the sink to hand the connection instead of `sink`:
 * it forwards every settle and publishes `asyncEnd` after the last one. One context and one counter for the whole
 * batch: no promise per command. Call only when `batchChannel.hasSubscribers`.
 */
export function traceBatch(
  commands: readonly { readonly args: readonly RedisArg[] }[],
  sink: ReplySink,
  database: number,
  serverAddress: string,
  serverPort: number | undefined,
  connection?: object,
): ReplySink {
  const claimed = transactionClaim;
  if (claimed !== undefined) {
    // The batch of a traced transaction: its context gets this connection's fields; its end is the caller's.
    transactionClaim = undefined;
    claimed.database = database;
    claimed.serverAddress = serverAddress;
    claimed.serverPort = serverPort;
    claimed.connection = connection;
    batchChannel.start.publish(claimed);
    return sink;
  }
  const names = commands.map((c) => (Array.isArray(c.args) && c.args.length > 0 ? String(c.args[0]).toUpperCase() : ''));
  const context: BatchTraceContext = { commands: names, database, serverAddress, serverPort, connection, errors: 0 };
  batchChannel.start.publish(context);
  let left = commands.length;
  const finish = (): void => {
    if (context.error !== undefined) batchChannel.error.publish(context);
    batchChannel.asyncEnd.publish(context);
  };
  if (left === 0) finish();
  return {
    settle(index, error, value) {
      if (error !== null) {
        context.errors++;
        context.error ??= error;
      }
      try {
        sink.settle(index, error, value);
      } finally {
        if (--left === 0) finish();
      }
    },
  };
}

/** The context of the transaction whose `sendBatch` is being called (set only for that synchronous call). */
let transactionClaim: BatchTraceContext | undefined;

/**
 * Traces the batch that `send` writes (one synchronous `sendBatch`: MULTI, the queued commands, EXEC) as one
 * `redwire:batch` of kind `transaction`, instead of the pipeline trace the connection would publish: the
 * connection fills in its server fields and publishes `start`. A connection that does not trace batches leaves
 * `database` and `serverAddress` (its endpoint label) as given. The caller publishes the end with
 * `endTransactionTrace` once EXEC's reply is interpreted. Call only when `batchChannel.hasSubscribers`.
 */
export function traceTransaction(commands: readonly string[], database: number, endpoint: string, send: () => void): BatchTraceContext {
  const context: BatchTraceContext = { kind: 'transaction', commands, database, serverAddress: endpoint, serverPort: undefined, errors: 0 };
  transactionClaim = context;
  try {
    send();
  } finally {
    if (transactionClaim === context) {
      transactionClaim = undefined;
      batchChannel.start.publish(context);
    }
  }
  return context;
}

/** Ends a `traceTransaction` trace: `error` is why the transaction failed (undefined: EXEC ran it). */
export function endTransactionTrace(context: BatchTraceContext, error: unknown, failedCommands: number): void {
  context.errors = failedCommands;
  if (error !== undefined) {
    context.error = error instanceof Error ? error : new Error(String(error));
    batchChannel.error.publish(context);
  }
  batchChannel.asyncEnd.publish(context);
}

/** Wraps one connect attempt (socket + handshake). Call only when `connectChannel.hasSubscribers`. */
export function traceConnect<T>(run: () => Promise<T>, context: ConnectTraceContext): Promise<T> {
  return connectChannel.tracePromise(run, context);
}
