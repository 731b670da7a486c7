import type { RedisArg } from '../index.js';

function argText(arg: RedisArg): string {
  if (typeof arg === 'string') return arg;
  if (Buffer.isBuffer(arg)) return arg.toString('utf8');
  return String(arg);
}

/** `db.query.text`: the command and its (already redacted) arguments, cut to `max` characters. */
export function queryText(command: string, args: readonly RedisArg[], max: number): string {
  let text = command;
  for (const arg of args) {
    if (text.length >= max) break;
    text += ' ' + argText(arg);
  }
  return text.length > max ? text.slice(0, max) : text;
}
