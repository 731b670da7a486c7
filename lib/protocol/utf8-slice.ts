/*
 * Buffer-to-string decoding without Buffer#toString's argument checks: Buffer#utf8Slice / #latin1Slice are what
 * toString('utf8' | 'latin1', ...) calls after checking; used when present, else toString. Callers pass valid bounds.
 */

type Slicer = (this: Buffer, start: number, end: number) => string;

const nativeUtf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slicer }).utf8Slice;
export const utf8Slice: (buf: Buffer, start: number, end: number) => string =
  typeof nativeUtf8Slice === 'function'
    ? (buf, start, end) => nativeUtf8Slice.call(buf, start, end)
    : (buf, start, end) => buf.toString('utf8', start, end);

const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice;
export const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof nativeLatin1Slice === 'function'
    ? (buf, start, end) => nativeLatin1Slice.call(buf, start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);
