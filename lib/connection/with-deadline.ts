/**
 * Awaits `work` for at most `ms` (0 or less = no limit). When the time is up, `onExpire` runs (it may cancel the work,
 * e.g. destroy its socket) and its error is thrown, even if `work` then fails with another error first.
 */
export async function withDeadline(work: Promise<void>, ms: number, onExpire: () => Error): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let expired: Error | undefined;
  const deadline = new Promise<never>((_, reject) => {
    if (ms <= 0) return;
    timer = setTimeout(() => {
      expired = onExpire();
      reject(expired);
    }, ms);
  });
  work.catch(() => undefined);
  try {
    await Promise.race([work, deadline]);
  } catch (error) {
    throw expired ?? error;
  } finally {
    clearTimeout(timer);
  }
}
