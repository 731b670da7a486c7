/**
 * Settles like `work`, unless the absolute `deadline` (Date.now() ms; 0 = none) passes first: then rejects with
 * `timeoutError()` (which may also cancel the work, e.g. destroy its socket). A value that arrives late goes to
 * `onLate` (e.g. a pool lease to release); a late failure is ignored. Used for connect timeouts and cluster leases.
 */
export function withinDeadline<T>(work: Promise<T>, deadline: number, timeoutError: () => Error,
  onLate?: (value: T) => void): Promise<T> {
  if (deadline === 0) return work;
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(timeoutError());
    }, Math.max(0, deadline - Date.now()));
    work.then((value) => {
      clearTimeout(timer);
      if (expired) onLate?.(value);
      else resolve(value);
    }, (error: unknown) => {
      clearTimeout(timer);
      if (!expired) reject(error);
    });
  });
}
