/**
 * Acknowledged-write accounting for the Sentinel chaos rows (issue 14): N writers, each RPUSHing 1, 2, 3, ... to its
 * own list; every acknowledged value is then looked for on the master (counted per acknowledgement, not by comparing
 * final values). Works for any client that has `rpush` (redwire, ioredis). Used by the sentinel and cluster chaos tests.
 */
import { admin } from './chaos-servers.js';

export interface AckClient {
  rpush(key: string, ...values: string[]): Promise<unknown>;
}

export interface AckTally {
  client: string;
  fault: string;
  sent: number;
  acked: number;
  failed: Record<string, number>;
  hung: number;
  /** Acknowledged values absent from the master afterwards. */
  lost: number;
  /** Longest time one writer went without an acknowledgement (ms), while the load ran. */
  longestStallMs: number;
  note?: string;
}

export class AckWriters {
  readonly #client: AckClient;
  readonly #name: string;
  readonly #prefix: string;
  readonly #writers: number;
  readonly #hangMs: number;
  #running = false;
  #loops: Promise<void>[] = [];
  #acked: number[][] = [];
  #keys: string[] = [];
  #tally: AckTally;

  constructor(client: AckClient, options: { name: string; prefix: string; writers: number; hangMs: number }) {
    this.#client = client;
    this.#name = options.name;
    this.#prefix = options.prefix;
    this.#writers = options.writers;
    this.#hangMs = options.hangMs;
    this.#tally = this.#newTally('warm-up');
  }

  #newTally(fault: string): AckTally {
    return { client: this.#name, fault, sent: 0, acked: 0, failed: {}, hung: 0, lost: 0, longestStallMs: 0 };
  }

  /** Starts writing for `fault`, to fresh lists. */
  start(fault: string): void {
    this.#tally = this.#newTally(fault);
    const run = `${this.#prefix}:${Date.now()}`;
    this.#acked = Array.from({ length: this.#writers }, () => []);
    this.#running = true;
    this.#loops = Array.from({ length: this.#writers }, (_, i) => this.#writer(`${run}:${i}`, this.#acked[i]!));
    this.#keys = Array.from({ length: this.#writers }, (_, i) => `${run}:${i}`);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  /**
   * Looks for every acknowledged value on the master: `masterPort`, or per key (a cluster: the port of the node that
   * owns the key's slot now); returns the tally of this fault.
   */
  async verify(masterPort: number | ((key: string) => Promise<number>)): Promise<AckTally> {
    const tally = this.#tally;
    for (let i = 0; i < this.#keys.length; i++) {
      const key = this.#keys[i]!;
      const port = typeof masterPort === 'number' ? masterPort : await masterPort(key);
      const stored = new Set(((await admin(port, ['LRANGE', key, '0', '-1'])) as string[]).map(Number));
      for (const value of this.#acked[i]!) if (!stored.has(value)) tally.lost++;
    }
    return tally;
  }

  async #writer(key: string, acked: number[]): Promise<void> {
    const tally = this.#tally;
    let n = 0;
    let lastAck = Date.now();
    while (this.#running) {
      n++;
      tally.sent++;
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), this.#hangMs);
      });
      const outcome = await Promise.race([
        this.#client.rpush(key, String(n)).then(() => 'ok' as const, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        hang,
      ]);
      clearTimeout(timer);
      const now = Date.now();
      if (outcome === 'ok') {
        acked.push(n);
        tally.acked++;
        tally.longestStallMs = Math.max(tally.longestStallMs, now - lastAck);
        lastAck = now;
      } else if (outcome === 'hung') {
        tally.hung++;
        tally.longestStallMs = Math.max(tally.longestStallMs, now - lastAck);
        return;
      } else {
        const cls = outcome.name === 'Error' ? `Error(${outcome.message.slice(0, 30)})` : outcome.name;
        tally.failed[cls] = (tally.failed[cls] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    tally.longestStallMs = Math.max(tally.longestStallMs, Date.now() - lastAck);
  }
}
