/**
 * The one poll-until helper of the test suites: for a state that no event announces (a server's INFO, a topology
 * converging, a counter another socket moves). Where an event exists, await the event instead.
 */

/** What `check` returns when it is not done yet. */
type NotYet = false | undefined | null;

/**
 * Calls `check` every `intervalMs` until it returns something other than `false`, `undefined` or `null`, and
 * returns that value. A `check` that throws counts as "not yet" (a server still restarting refuses connections).
 * Past `timeoutMs` it throws an Error naming `what`, the time waited and the last error `check` threw.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value as Exclude<T, NotYet>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const why = lastError === undefined ? '' : ` (last attempt threw: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}
