/** `67108864` -> `64 MiB`, for messages that name a byte bound. */
export function describeBytes(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return 'unlimited';
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
