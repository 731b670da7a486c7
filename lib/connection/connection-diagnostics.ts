import diagnosticsChannel from 'node:diagnostics_channel';
import type { RedisArg } from '../protocol/resp-value.js';

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
): Promise<T> {
  const context: CommandTraceContext = { command: name, args: redactArgs(name, args), database, serverAddress, serverPort };
  return commandChannel.tracePromise(run, context);
}

/** Wraps one connect attempt (socket + handshake). Call only when `connectChannel.hasSubscribers`. */
export function traceConnect<T>(run: () => Promise<T>, context: ConnectTraceContext): Promise<T> {
  return connectChannel.tracePromise(run, context);
}
