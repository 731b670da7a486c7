import { TimeoutError } from '../errors/index.js';

/**
 * Settles with `work`, or rejects with a `TimeoutError` after `timeoutMs` (the timer is always cleared). The
 * AbortSignal given to `start` fires on timeout so the work can stop too.
 */
export async function withDeadline<T>(
  start: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(`${what} did not finish within ${timeoutMs} ms.`, 'command', timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const work = start(controller.signal);
    // A late rejection after the deadline must not become an unhandled rejection.
    work.catch(() => undefined);
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
