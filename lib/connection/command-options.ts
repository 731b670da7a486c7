import { DataError } from '../errors/index.js';
import type { RedisArg } from '../protocol/resp-value.js';
import { asError } from '../errors/as-error.js';
import { abortError } from './connection-failures.js';
import type { PendingCommand } from './pending-command.js';

/*
 * The per-command options of `Connection.sendCommand`/`sendBatch` and how they are applied to a PendingCommand:
 * flags, the abort listener, and which timeout the connection arms. Cold path: commands without options skip it.
 */

export interface CommandOptions {
  /** Settles the command with AbortError when aborted; a late reply is discarded. */
  signal?: AbortSignal;
  /** ms to wait for the reply, overriding `commandTimeout`; 0 = none. Counted from the call (queue time included). */
  timeout?: number;
  /** Decode this command's bulk strings as Buffers. */
  returnBuffers?: boolean;
  /**
   * Re-send the command after a reconnect if the socket dies after it was written. Double-apply risk: the server may
   * have executed it before the socket died (only the reply was lost), so a non-idempotent command (INCR, LPUSH, ...)
   * can run twice. Default false: such commands fail with ConnectionError and the caller decides.
   */
  retryOnReconnect?: boolean;
  /**
   * The server may hold the reply until data arrives (BLPOP, BRPOP, XREAD BLOCK, WAIT, ...). `disconnect()` does not
   * wait for such a reply (the command fails with ConnectionError instead). The client sets it for blocking commands.
   */
  blocking?: boolean;
}

/** One command of `sendBatch`: its arguments and its own options (a client's `CommandCall` fits as is). */
export interface BatchCommand {
  readonly args: readonly RedisArg[];
  readonly returnBuffers?: boolean;
  /** ms, overriding `commandTimeout` for this command; 0 = none. */
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

/** Settles a command whose signal fired (the connection's abandon path: its late reply is dropped by slot). */
export type OnCommandAborted = (cmd: PendingCommand, signal: AbortSignal) => void;

/** The per-command options of a batch entry, as `sendCommand` takes them. */
export function optionsOf(c: BatchCommand): CommandOptions {
  const options: CommandOptions = {};
  if (c.returnBuffers === true) options.returnBuffers = true;
  if (c.timeout !== undefined) options.timeout = c.timeout;
  if (c.signal !== undefined) options.signal = c.signal;
  return options;
}

/**
 * Applies `options` to `cmd` and returns the timeout the caller must arm (ms; 0 = none; `defaultTimeout` unless the
 * options set one), or -1 when the command already settled (aborted signal, bad timeout, malformed options).
 * `endpoint` is for the error messages.
 */
export function applyCommandOptions(
  cmd: PendingCommand,
  options: CommandOptions,
  defaultTimeout: number,
  endpoint: string,
  onAborted: OnCommandAborted,
): number {
  try {
    if (options.returnBuffers === true) cmd.buffers = true;
    if (options.retryOnReconnect === true) cmd.retry = true;
    if (options.blocking === true) cmd.blocking = true;
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        cmd.fail(abortError(cmd, endpoint, signal));
        return -1;
      }
      const onAbort = (): void => onAborted(cmd, signal);
      signal.addEventListener('abort', onAbort, { once: true });
      cmd.signal = signal;
      cmd.onAbort = onAbort;
    }
    const timeout = options.timeout ?? defaultTimeout;
    if (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout)) {
      cmd.fail(new DataError(`Invalid timeout for ${cmd.name}: expected ms >= 0, got ${String(timeout)}.`, { command: cmd.name, endpoint }));
      return -1;
    }
    return timeout;
  } catch (error) {
    // Malformed options from untyped callers (null, a signal that is not an AbortSignal): reject, never throw.
    cmd.fail(new DataError(`Invalid options for ${cmd.name}: ${asError(error).message}`, {
      command: cmd.name,
      endpoint,
      cause: error,
    }));
    return -1;
  }
}
