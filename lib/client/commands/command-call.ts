import type { RedisArg, RespValue } from '../../protocol/resp-value.js';

/**
 * One command as the typed methods (and `call`) hand it to a client's `executeCommand`: the full argument list
 * (command name first), how to shape the decoded reply, and how to run it.
 */
export interface CommandCall<T> {
  /** Full arguments, command name first: `['SET', 'k', 'v', 'EX', 10]`. */
  args: RedisArg[];
  /** Turns the decoded reply (RESP2 or RESP3) into the method's JS shape. Absent: the reply as decoded. */
  transform?: (reply: RespValue) => T;
  /** Decode bulk/simple strings of this reply as Buffers. */
  returnBuffers?: boolean;
  /** The command may block the connection (BLPOP, XREAD ... BLOCK, WAIT): run it on a leased connection. */
  blocking?: boolean;
  /**
   * How long the server may block, in ms, when `blocking`: extend the socket/command timeout by this much.
   * 0 means it may block forever (e.g. `BLPOP k 0`): do not apply a command timeout.
   */
  blockTimeoutMs?: number;
  /** Cancels the command (rejects with AbortError); it is still read off the socket so replies stay in order. */
  signal?: AbortSignal;
  /** Command timeout in ms for this call (overrides the connection's `commandTimeout`; 0 = none). */
  timeout?: number;
}

/** Per-call options a caller can attach with `withOptions(...)`; merged into every CommandCall of the view. */
export type CallOptions = Pick<CommandCall<unknown>, 'signal' | 'timeout' | 'returnBuffers'>;
