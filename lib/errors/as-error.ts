/** Turns anything thrown or rejected into an Error (untyped callers and hooks may throw strings or null). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
