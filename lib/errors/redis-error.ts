/**
 * Root of redwire's error hierarchy. Every error the library hands to a caller is an instance of this class.
 *
 * `name` and `code` are stable strings (not derived from the constructor at runtime), so code can branch on them
 * even when two copies of the package are loaded. `command` is the command *name* only: argument values are never
 * stored on an error, because they may be secrets (AUTH) or user data.
 */
export interface RedisErrorOptions {
  /** Upper-case command name, e.g. `GET`. Never the arguments. */
  command?: string;
  /** `host:port` or a unix socket path; never carries credentials. */
  endpoint?: string;
  cause?: unknown;
}

export class RedisError extends Error {
  override name = 'RedisError';
  readonly code: string = 'REDWIRE_ERR';
  command?: string;
  endpoint?: string;

  constructor(message: string, options: RedisErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.command !== undefined) this.command = options.command;
    if (options.endpoint !== undefined) this.endpoint = options.endpoint;
  }
}
