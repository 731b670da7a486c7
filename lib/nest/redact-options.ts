import { redactOnSerialise } from '../connection/redact-secrets.js';

/**
 * Makes `util.inspect(target)` (console.log, Nest's text logger) and `JSON.stringify(target)` (pino, Nest's JSON
 * logger) show the options with passwords, tokens, credential providers and TLS private keys hidden, URLs redacted.
 */
export function redactOnInspect<T extends object>(target: T, label: string): T {
  return redactOnSerialise(target, label);
}
