/* Limits and tuning sizes of RespDecoder: what it accepts, and how it decodes short strings. */

/** Deeper nesting than this is treated as garbage: no Redis reply comes close, and consumers recurse over values. */
export const MAX_NESTING_DEPTH = 1024;

/** RESP integers are signed 64-bit: at most 19 digits (beyond 2^53 they decode to an exact bigint). Lengths too. */
export const MAX_INTEGER_DIGITS = 19;

/** Up to this many bytes, strings are built byte by byte when ASCII (measured faster than the native decoder). */
export const SHORT_STRING = 8;

/**
 * Inside an aggregate, strings shorter than this are cut from one decoded text of the bytes around them (a
 * "window") instead of one native call each. V8 copies substrings this short (longer ones would be slices that pin
 * the whole window), so a kept reply never retains more than its own text.
 */
export const WINDOW_STRING = 13;
/** Bytes decoded at once for the window (ASCII only): enough for a few dozen short strings. */
export const WINDOW_BYTES = 4096;
/** Slots of the per-decoder table of recent short strings (a power of two); each holds one string < 13 chars. */
export const RECENT_STRINGS = 512;
