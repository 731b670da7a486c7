import { Logger, type LoggerService } from '@nestjs/common';
import type { RedisConnectionEvent } from './redis-connection.js';
import { REDIS_MODULE_LOG_CONTEXT } from './redis.constants.js';

type Level = 'log' | 'warn' | 'error' | 'debug';

/**
 * What one connection logs: every line goes to Nest's `Logger` (or the app's own `LoggerService`) with context
 * `'RedisModule'` and starts with the connection's name. `readyLog` / `errorLog` switch the ready and error lines
 * off. Messages come from our own code and typed errors, which carry addresses, never credentials.
 */
export class RedisModuleLog {
  readonly #logger: LoggerService | undefined;
  readonly #custom: boolean;

  constructor(
    private readonly name: string,
    logger: LoggerService | true | undefined,
    private readonly switches: { readyLog: boolean; errorLog: boolean },
  ) {
    this.#custom = logger !== true && logger !== undefined;
    this.#logger = logger === true ? new Logger(REDIS_MODULE_LOG_CONTEXT) : logger;
  }

  info(message: string): void {
    this.#write('log', message);
  }

  warn(message: string): void {
    this.#write('warn', message);
  }

  /** A "connection is ready" line (off with `readyLog: false`). */
  ready(message: string): void {
    if (this.switches.readyLog) this.#write('log', message);
  }

  /** A connection error (off with `errorLog: false`). */
  error(message: string, level: 'error' | 'warn' = 'error'): void {
    if (this.switches.errorLog) this.#write(level, message);
  }

  event(event: RedisConnectionEvent): void {
    if (event.type === 'error') this.error(event.message);
    else if (event.type === 'ready') this.ready(event.message);
    else if (event.type === 'reconnecting' || event.type === 'failover') this.warn(event.message);
    else if (event.type === 'slot-refresh' || event.type === 'connect') this.#write('debug', event.message);
    else this.info(event.message);
  }

  #write(level: Level, message: string): void {
    const logger = this.#logger;
    if (logger === undefined) return;
    const line = `Connection '${this.name}': ${message}`;
    const write = level === 'debug' ? (logger.debug ?? logger.log) : logger[level];
    // Nest's Logger carries its context; a plain LoggerService gets it as the last argument, as Nest passes it.
    if (this.#custom) write.call(logger, line, REDIS_MODULE_LOG_CONTEXT);
    else write.call(logger, line);
  }
}
