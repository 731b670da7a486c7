import { asError } from '../errors/as-error.js';

/** What the loop asks its connection. */
export interface ConnectLoopHost {
  /** disconnect()/destroy()/give-up happened: the loop ends before its next attempt. */
  readonly stopping: boolean;
  /** One attempt: socket, handshake, within connectTimeout. */
  attemptOnce(): Promise<void>;
  /** After a failed attempt: the delay before the next one, or false when the loop must stop. */
  attemptFailed(cause: Error): number | false;
  /** An attempt succeeded and the connection is not stopping. */
  connected(): void;
}

/**
 * The connect/retry loop of a Connection: attempts until one succeeds, the host stops, or the retry policy (asked
 * through `attemptFailed`) gives up, sleeping the returned delay between attempts. At most one loop runs at a time.
 */
export class ConnectLoop {
  readonly #host: ConnectLoopHost;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(host: ConnectLoopHost) {
    this.#host = host;
  }

  /** Between two attempts, waiting out the retry delay. */
  get sleeping(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts the loop (unless it runs already), waiting `delay` ms before the first attempt. */
  start(delay: number): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop(delay).finally(() => {
      this.#running = false;
    });
  }

  /** Cuts the current retry delay short: the next attempt starts now (or the loop sees `stopping` and ends). */
  wake(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#wake?.();
  }

  async #loop(delay: number): Promise<void> {
    const host = this.#host;
    for (;;) {
      if (delay > 0) await this.#sleep(delay);
      if (host.stopping) return;
      try {
        await host.attemptOnce();
      } catch (error) {
        const next = host.attemptFailed(asError(error));
        if (next === false) return;
        delay = next;
        continue;
      }
      if (!host.stopping) host.connected();
      return;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    }).then(() => {
      this.#timer = undefined;
      this.#wake = undefined;
    });
  }
}
