/* The bytes that structure RESP: line ends, and the type byte that starts every item (RESP2 and RESP3). */

export const CR = 13;
export const LF = 10;

export const T_SIMPLE = 43; // +
export const T_ERROR = 45; // -
export const T_INTEGER = 58; // :
export const T_BULK = 36; // $
export const T_ARRAY = 42; // *
export const T_NULL = 95; // _
export const T_BOOLEAN = 35; // #
export const T_DOUBLE = 44; // ,
export const T_BIG_NUMBER = 40; // (
export const T_BULK_ERROR = 33; // !
export const T_VERBATIM = 61; // =
export const T_MAP = 37; // %
export const T_SET = 126; // ~
export const T_ATTRIBUTE = 124; // |
export const T_PUSH = 62; // >
