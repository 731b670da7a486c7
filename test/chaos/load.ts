/**
 * A mixed load for the chaos suite. N workers loop over SET…GET, GET, INCR, 5-command pipelines and now and then
 * LPUSH+BLPOP. Every written value is `<key>|<seq>` and unique, so a reply that belongs to another command is
 * detectable: a GET (or SET … GET) of key k must return a value written for k. Every operation runs under a hang
 * detector (deadline = command timeout + margin). Counters go to the current window (`beginWindow`), so one load
 * can run across several faults (the soak) and each fault gets its own line in the report.
 */
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';
import { waitUntil } from '../support/wait-until.js';

/** The part of RedisClient / ClusterClient the load uses. */
export interface LoadClient {
  call(command: string, ...args: RedisArg[]): Promise<RespValue>;
  blpop(keys: string, timeoutSeconds: number): Promise<[string, string] | null>;
  pipeline(): { call(command: string, ...args: RedisArg[]): unknown; exec(): Promise<[Error | null, unknown][]> };
}

export interface LoadOptions {
  workers: number;
  /** The clients' command timeout (ms); the hang deadline is this + marginMs. */
  commandTimeoutMs: number;
  marginMs: number;
  /** Keys are `<prefix>:<worker>:<n>`; cluster runs put `{…}` hash tags in the prefix per worker. */
  prefix: string;
  /** Distinct keys per worker. */
  keysPerWorker: number;
  /** Put each worker's keys in one slot (needed for cluster pipelines of SET+GET pairs to share a node). */
  hashTagPerWorker?: boolean;
  /** Pause between operations of one worker (ms); keeps 2 shared cores usable by others. */
  pauseMs?: number;
}

export interface Tally {
  name: string;
  sent: number;
  ok: number;
  failed: Record<string, number>;
  hung: number;
  misdelivered: number;
  /** Samples of what was misdelivered, for the report. */
  misdeliveries: string[];
  /** ms from the first failure after the fault to the first success of an operation started after it; undefined = no failure. */
  recoveryMs: number | undefined;
  faultAt: number | undefined;
  firstFailureAt: number | undefined;
  lostAcked: number;
  /** Losses explained by async replication (a failover promoted a replica that had not received them). */
  lostAsync: number;
  /** Ops that settled after their hang deadline (later than timeout + margin) but did settle. */
  late: number;
  /** The first hung ops, for the report: what they were, when they started, how and when they settled. */
  hangs: HangSample[];
}

export interface HangSample {
  op: string;
  /** ms after the fault was injected (negative: before it); undefined when no fault was marked yet. */
  startedAfterFaultMs: number | undefined;
  /** ms from the start to the settlement; undefined while still pending. */
  settledAfterMs?: number;
  outcome?: string;
}

function newTally(name: string): Tally {
  return {
    name, sent: 0, ok: 0, failed: {}, hung: 0, misdelivered: 0, misdeliveries: [], recoveryMs: undefined,
    faultAt: undefined, firstFailureAt: undefined, lostAcked: 0, lostAsync: 0, late: 0, hangs: [],
  };
}

interface KeyState {
  /** seq of the last acknowledged write. */
  acked: number;
  /** Highest seq attempted (a failed/timed-out write may still have been applied). */
  attempted: number;
}

const HUNG = Symbol('hung');

export class LoadGenerator {
  readonly #client: LoadClient;
  readonly #o: Required<LoadOptions>;
  #tally: Tally;
  #running = false;
  #workers: Promise<void>[] = [];
  readonly #keys = new Map<string, KeyState>();
  #seq = 0;
  /** Ops still unsettled (hung or not). */
  readonly #open = new Set<Promise<unknown>>();

  constructor(client: LoadClient, options: LoadOptions) {
    this.#client = client;
    this.#o = { hashTagPerWorker: false, pauseMs: 0, ...options };
    this.#tally = newTally('warm-up');
  }

  get tally(): Tally {
    return this.#tally;
  }

  /** Starts a new counting window; returns the previous one. */
  beginWindow(name: string): Tally {
    const previous = this.#tally;
    this.#tally = newTally(name);
    return previous;
  }

  /** Marks the moment the fault was injected (recovery is measured from here). */
  markFault(): void {
    this.#tally.faultAt = Date.now();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#workers = Array.from({ length: this.#o.workers }, (_, w) => this.#worker(w));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }

  /** Ops that never settled (still pending now). */
  get unsettled(): number {
    return this.#open.size;
  }

  /** Waits until the load succeeds again (an op started now succeeds), or the deadline passes. */
  async waitHealthy(deadlineMs: number): Promise<boolean> {
    const ping = (): Promise<boolean> => this.#client.call('PING').then(() => true, () => false);
    return waitUntil('a PING to succeed', ping, deadlineMs, 100).then(() => true, () => false);
  }

  /**
   * Reads back every key with an acknowledged write; a key whose value is older than its last acked write (or
   * gone) is a lost write. `asyncReplication` counts them as such (Sentinel/Cluster failovers may drop writes the
   * old primary acknowledged but had not replicated).
   */
  async verify(tally: Tally, asyncReplication: boolean): Promise<void> {
    for (const [key, state] of this.#keys) {
      if (state.acked === 0) continue;
      let value: RespValue | undefined;
      for (let attempt = 0; attempt < 5 && value === undefined; attempt++) {
        value = await this.#client.call('GET', key).catch(() => undefined);
        if (value === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      if (value === undefined) continue; // unreadable now: not counted either way
      const seq = typeof value === 'string' && value.startsWith(`${key}|`) ? Number(value.slice(key.length + 1)) : 0;
      if (typeof value === 'string' && !value.startsWith(`${key}|`)) {
        tally.misdelivered++;
        tally.misdeliveries.push(`verify GET ${key} -> ${value.slice(0, 60)}`);
        continue;
      }
      if (seq < state.acked) {
        if (asyncReplication) tally.lostAsync++;
        else tally.lostAcked++;
      }
      // Start the next window from what the server has now.
      state.acked = seq;
      state.attempted = Math.max(seq, state.attempted);
    }
  }

  #key(worker: number, n: number | string): string {
    const tag = this.#o.hashTagPerWorker ? `{${this.#o.prefix}:${worker}}` : `${this.#o.prefix}:${worker}`;
    return `${tag}:${n}`;
  }

  #state(key: string): KeyState {
    let s = this.#keys.get(key);
    if (s === undefined) this.#keys.set(key, (s = { acked: 0, attempted: 0 }));
    return s;
  }

  async #worker(w: number): Promise<void> {
    let i = 0;
    while (this.#running) {
      i++;
      const key = this.#key(w, i % this.#o.keysPerWorker);
      const r = i % 20;
      if (r < 7) await this.#setGet(key);
      else if (r < 13) await this.#get(key);
      else if (r < 16) await this.#incr(this.#key(w, 'ctr'));
      else if (r < 19) await this.#pipeline(w, i);
      else if (i % 40 === 19) await this.#blockingPop(this.#key(w, 'list'));
      else await this.#get(key);
      if (this.#o.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#o.pauseMs));
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Runs one op under the hang detector; `check` returns a misdelivery description or undefined. */
  async #run<T>(label: string, deadlineMs: number, op: () => Promise<T>, check: (value: T) => string | undefined): Promise<T | undefined> {
    const tally = this.#tally;
    tally.sent++;
    const started = Date.now();
    const promise = op();
    this.#open.add(promise);
    let hang: HangSample | undefined;
    const settle = (outcome: string): void => {
      this.#open.delete(promise);
      if (hang === undefined) return;
      tally.late++;
      hang.settledAfterMs = Date.now() - started;
      hang.outcome = outcome;
    };
    promise.then(
      () => settle('ok'),
      (error: unknown) => settle(error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error)),
    );
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof HUNG>((resolve) => {
      timer = setTimeout(() => resolve(HUNG), deadlineMs);
    });
    try {
      const value = await Promise.race([promise, deadline]);
      if (value === HUNG) {
        tally.hung++;
        hang = { op: label, startedAfterFaultMs: tally.faultAt === undefined ? undefined : started - tally.faultAt };
        if (tally.hangs.length < 10) tally.hangs.push(hang);
        return undefined;
      }
      const wrong = check(value as T);
      if (wrong !== undefined) {
        tally.misdelivered++;
        if (tally.misdeliveries.length < 10) tally.misdeliveries.push(wrong);
        return undefined;
      }
      tally.ok++;
      if (tally.firstFailureAt !== undefined && tally.recoveryMs === undefined && started >= tally.firstFailureAt) {
        tally.recoveryMs = Date.now() - tally.firstFailureAt;
      }
      return value as T;
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      tally.failed[name] = (tally.failed[name] ?? 0) + 1;
      if (tally.faultAt !== undefined && tally.firstFailureAt === undefined) tally.firstFailureAt = Date.now();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  get #deadline(): number {
    return this.#o.commandTimeoutMs + this.#o.marginMs;
  }

  async #setGet(key: string): Promise<void> {
    const state = this.#state(key);
    const seq = ++this.#seq;
    state.attempted = seq;
    const value = `${key}|${seq}`;
    const reply = await this.#run('SET GET', this.#deadline, () => this.#client.call('SET', key, value, 'GET'), (old) =>
      old === null || (typeof old === 'string' && old.startsWith(`${key}|`)) ? undefined : `SET ${key} GET -> ${describe(old)}`);
    if (reply !== undefined) state.acked = seq;
  }

  async #get(key: string): Promise<void> {
    await this.#run('GET', this.#deadline, () => this.#client.call('GET', key), (v) =>
      v === null || (typeof v === 'string' && v.startsWith(`${key}|`)) ? undefined : `GET ${key} -> ${describe(v)}`);
  }

  async #incr(key: string): Promise<void> {
    await this.#run('INCR', this.#deadline, () => this.#client.call('INCR', key), (v) =>
      typeof v === 'number' && Number.isInteger(v) ? undefined : `INCR ${key} -> ${describe(v)}`);
  }

  async #pipeline(w: number, i: number): Promise<void> {
    const pairs = Array.from({ length: 5 }, (_, j) => {
      const key = this.#key(w, `p${(i + j) % 50}`);
      const seq = ++this.#seq;
      return { key, value: `${key}|${seq}`, seq };
    });
    for (const p of pairs) this.#state(p.key).attempted = p.seq;
    const results = await this.#run('pipeline', this.#deadline, () => {
      const pipe = this.#client.pipeline();
      for (const p of pairs) {
        pipe.call('SET', p.key, p.value);
        pipe.call('GET', p.key);
      }
      return pipe.exec();
    }, (res) => {
      if (!Array.isArray(res) || res.length !== pairs.length * 2) return `pipeline -> ${res?.length} results`;
      for (const [j, p] of pairs.entries()) {
        const [setErr, setOk] = res[2 * j]!;
        const [getErr, got] = res[2 * j + 1]!;
        if (setErr === null && setOk !== 'OK') return `pipeline SET ${p.key} -> ${describe(setOk as RespValue)}`;
        // GET right after our SET on the same connection must see it (unless the SET failed).
        if (getErr === null && setErr === null && got !== p.value) return `pipeline GET ${p.key} -> ${describe(got as RespValue)} (want ${p.value})`;
        if (getErr === null && got !== null && !(typeof got === 'string' && got.startsWith(`${p.key}|`))) {
          return `pipeline GET ${p.key} -> ${describe(got as RespValue)}`;
        }
      }
      return undefined;
    });
    if (results !== undefined) {
      for (const [j, p] of pairs.entries()) {
        if (results[2 * j]![0] === null) this.#state(p.key).acked = p.seq;
      }
    }
  }

  async #blockingPop(list: string): Promise<void> {
    const value = `${list}|${++this.#seq}`;
    const pushed = await this.#run('LPUSH', this.#deadline, () => this.#client.call('LPUSH', list, value), (n) =>
      typeof n === 'number' ? undefined : `LPUSH ${list} -> ${describe(n)}`);
    if (pushed === undefined) return;
    await this.#run('BLPOP', this.#deadline + 1000, () => this.#client.blpop(list, 1), (v) =>
      v === null || (Array.isArray(v) && v[0] === list && typeof v[1] === 'string' && v[1].startsWith(`${list}|`))
        ? undefined : `BLPOP ${list} -> ${describe(v as unknown as RespValue)}`);
  }
}

function describe(value: RespValue | undefined): string {
  const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
