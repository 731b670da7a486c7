import type { RedisError } from '../errors/index.js';

/** One argument of a command as the caller gives it. Anything else is rejected with `DataError` before writing. */
export type RedisArg = string | Buffer | number | bigint;

/** A RESP3 map decodes to an object with a null prototype, so keys like `__proto__` are plain data. */
export interface RespMap {
  [key: string]: RespValue;
}

/**
 * A decoded reply. Bulk/simple/verbatim strings are `string` (or `Buffer` when asked for), integers and doubles are
 * `number`, RESP3 big numbers `bigint`, nulls `null`, arrays and sets `RespValue[]`, maps `RespMap`.
 * An error element nested inside an aggregate (e.g. EXEC results) is a `RedisError` value, not a throw.
 */
export type RespValue = string | Buffer | number | bigint | boolean | null | RespValue[] | RespMap | RedisError;

/** Callbacks of the incremental decoder; each top-level frame produces exactly one call. */
export interface DecoderHandlers {
  /** A complete top-level reply (not a push, not an error). */
  onReply(value: RespValue): void;
  /** A top-level simple error or bulk error, already mapped to our error class (ResponseError subclasses etc.). */
  onErrorReply(error: RedisError): void;
  /** A RESP3 push frame (`>`): pub/sub messages, invalidations. Never a reply to a command. */
  onPush(value: RespValue[]): void;
  /** A RESP3 attribute (`|`) that preceded a reply; delivered alongside, never as the reply. Optional. */
  onAttribute?(value: RespMap): void;
  /**
   * Asked once at the start of each top-level frame that is not a push: should bulk strings of this reply be Buffers?
   * Lets the connection decode each command's reply as that command asked. Default: false (strings).
   */
  wantBuffers?(): boolean;
}

export interface DecoderOptions {
  /** Largest bulk string / aggregate length accepted, in bytes/elements. Default 512 MiB. Larger → ProtocolError. */
  maxBulkLength?: number;
  /** Decode push frames' bulk strings as Buffers. Default false. */
  pushBuffers?: boolean;
}

export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;
