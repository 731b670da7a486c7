/**
 * The ways a stream may deliver `input`: whole, byte by byte, and cut in two at every position. A decoder must give
 * the same result for each (the resumable-decoder contract).
 */
export function splittings(input: Buffer): [string, Buffer[]][] {
  const out: [string, Buffer[]][] = [
    ['whole', [input]],
    ['byte by byte', Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1))],
  ];
  for (let i = 1; i < input.length; i++) out.push([`split at ${i}`, [input.subarray(0, i), input.subarray(i)]]);
  return out;
}

/** `input` cut at each of `points` (offsets from 0 to its length, in any order, repeats ignored), in order. */
export function cutAt(input: Buffer, points: readonly number[]): Buffer[] {
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of sorted) {
    chunks.push(input.subarray(at, p));
    at = p;
  }
  chunks.push(input.subarray(at));
  return chunks;
}
