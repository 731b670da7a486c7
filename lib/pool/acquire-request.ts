import type { PoolConnection } from './pool-connection.js';

/** Why an acquire stopped waiting before it got a connection. */
export type GiveUpReason = 'abort' | 'timeout';

/**
 * A checkout in progress: an exclusive slot being turned into a ready connection (opening a new one, or
 * health-checking an idle one) for its `owner`. When the owner gives up, the pool hands the checkout to the next
 * caller in line, or cancels it (closing `working`) so its slot is free at once.
 */
export class CheckoutJob {
  owner: AcquireRequest | undefined;
  /** The connection being opened or health-checked. */
  working: PoolConnection | undefined;
  cancelled = false;
  /** Still counted in the pool's pending slots. */
  holdsSlot = true;

  constructor(owner: AcquireRequest) {
    this.owner = owner;
  }
}

/**
 * One `acquire()` until it settles. Its deadline (`acquireTimeout`) and AbortSignal cover the whole acquire: the
 * wait in a blocking pool's queue and the opening of a new connection alike.
 */
export class AcquireRequest {
  readonly promise: Promise<PoolConnection>;
  readonly started = Date.now();
  settled = false;
  /** The checkout working for this request; undefined while it waits in the queue. */
  job: CheckoutJob | undefined;
  #resolve: (conn: PoolConnection) => void = () => undefined;
  #reject: (error: Error) => void = () => undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;

  constructor(signal: AbortSignal | undefined, timeout: number, giveUp: (request: AcquireRequest, why: GiveUpReason) => void) {
    this.promise = new Promise<PoolConnection>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#signal = signal;
    this.#onAbort = () => giveUp(this, 'abort');
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = timeout > 0 ? setTimeout(() => giveUp(this, 'timeout'), timeout) : undefined;
  }

  /** Hands `conn` over; false when the request settled already (the caller keeps the connection). */
  resolve(conn: PoolConnection): boolean {
    if (this.settled) return false;
    this.#settle();
    this.#resolve(conn);
    return true;
  }

  reject(error: Error): void {
    if (this.settled) return;
    this.#settle();
    this.#reject(error);
  }

  #settle(): void {
    this.settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
