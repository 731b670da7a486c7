import type { RedisArg } from '../protocol/resp-value.js';

/**
 * Command names (case-insensitive) looked up cheaply: most names are rejected by their length, first and last
 * letter alone, before any upper-casing or map lookup (the shared path checks every command it sends).
 */
class CommandNames<V> {
  readonly #values = new Map<string, V>();
  /** Per name length, a bit per first letter (a-z) that some name of that length starts with. */
  readonly #firstLetters: number[] = [];
  /** Per name length and first letter (`length * 26 + letter`), a bit per last letter (a-z). */
  readonly #lastLetters: number[] = [];

  constructor(entries: Record<string, V>) {
    for (const [name, value] of Object.entries(entries)) {
      this.#values.set(name, value);
      const n = name.length;
      this.#firstLetters[n] = (this.#firstLetters[n] ?? 0) | (1 << (name.charCodeAt(0) - 65));
      const at = n * 26 + name.charCodeAt(0) - 65;
      this.#lastLetters[at] = (this.#lastLetters[at] ?? 0) | (1 << (name.charCodeAt(n - 1) - 65));
    }
  }

  lookup(arg: RedisArg | undefined): V | undefined {
    let name: string;
    if (typeof arg === 'string') name = arg;
    else if (Buffer.isBuffer(arg) && arg.length < this.#firstLetters.length) name = arg.toString('latin1');
    else return undefined;
    const letters = this.#firstLetters[name.length];
    if (letters === undefined) return undefined;
    const first = name.charCodeAt(0);
    if (!hasLetter(letters, first)) return undefined;
    const last = this.#lastLetters[name.length * 26 + (first | 0x20) - 97]!;
    if (!hasLetter(last, name.charCodeAt(name.length - 1))) return undefined;
    return this.#values.get(name) ?? this.#values.get(name.toUpperCase());
  }
}

/** Whether the letter `code` (either case) is among the bits of `letters`. */
function hasLetter(letters: number, code: number): boolean {
  const letter = (code | 0x20) - 97;
  return letter >= 0 && letter <= 25 && (letters & (1 << letter)) !== 0;
}

// ---- leased connections: what a command leaves behind when the lease ends ----------------------------------------

export const LEASE_NONE = 0;
/** State that `RESET` plus the pool's handshake puts back (db, name, protocol, auth, tracking, read-only mode). */
export const LEASE_DIRTY = 1;
/** Replies no longer match commands one to one (CLIENT REPLY, MONITOR, SYNC): only closing the socket fixes it. */
export const LEASE_POISON = 2;
export const LEASE_MULTI = 3;
/** EXEC, DISCARD: end a transaction (and its WATCHes) when one is open. */
export const LEASE_END_TX = 4;
export const LEASE_WATCH = 5;
export const LEASE_UNWATCH = 6;
/** Look at the subcommand. */
const LEASE_CLIENT = 7;

const LEASE_EFFECTS = new CommandNames<number>({
  MULTI: LEASE_MULTI,
  EXEC: LEASE_END_TX,
  DISCARD: LEASE_END_TX,
  WATCH: LEASE_WATCH,
  UNWATCH: LEASE_UNWATCH,
  SELECT: LEASE_DIRTY,
  HELLO: LEASE_DIRTY,
  AUTH: LEASE_DIRTY,
  RESET: LEASE_DIRTY,
  READONLY: LEASE_DIRTY,
  READWRITE: LEASE_DIRTY,
  SUBSCRIBE: LEASE_DIRTY,
  PSUBSCRIBE: LEASE_DIRTY,
  SSUBSCRIBE: LEASE_DIRTY,
  UNSUBSCRIBE: LEASE_DIRTY,
  PUNSUBSCRIBE: LEASE_DIRTY,
  SUNSUBSCRIBE: LEASE_DIRTY,
  MONITOR: LEASE_POISON,
  SYNC: LEASE_POISON,
  PSYNC: LEASE_POISON,
  CLIENT: LEASE_CLIENT,
});

const CLIENT_LEASE_EFFECTS = new CommandNames<number>({
  REPLY: LEASE_POISON,
  SETNAME: LEASE_DIRTY,
  SETINFO: LEASE_DIRTY,
  TRACKING: LEASE_DIRTY,
  CACHING: LEASE_DIRTY,
  'NO-EVICT': LEASE_DIRTY,
  'NO-TOUCH': LEASE_DIRTY,
});

/** What sending `args` on a leased connection does to the state the next caller would inherit. */
export function leaseEffectOf(args: readonly RedisArg[]): number {
  const effect = LEASE_EFFECTS.lookup(args[0]);
  if (effect === undefined) return LEASE_NONE;
  if (effect !== LEASE_CLIENT) return effect;
  return CLIENT_LEASE_EFFECTS.lookup(args[1]) ?? LEASE_NONE;
}

// ---- shared connections: commands refused there, and what to use instead -----------------------------------------

const LEASE = 'lease a connection with pool.withConnection(...)';
/** Look at the subcommand. */
const SHARED_CLIENT = '';

const SHARED_INSTEAD = new CommandNames<string>({
  SUBSCRIBE: 'use client.subscribe(channels, listener)',
  PSUBSCRIBE: 'use client.psubscribe(patterns, listener)',
  SSUBSCRIBE: 'use client.ssubscribe(channels, listener)',
  UNSUBSCRIBE: 'use client.unsubscribe(...) (subscriptions live on their own connection)',
  PUNSUBSCRIBE: 'use client.punsubscribe(...) (subscriptions live on their own connection)',
  SUNSUBSCRIBE: 'use client.sunsubscribe(...) (subscriptions live on their own connection)',
  MULTI: 'use client.multi() or client.watch(keys, fn)',
  WATCH: 'use client.watch(keys, fn)',
  SELECT: "set the 'db' option (or client.duplicate({ db }))",
  HELLO: "set the 'protocol', 'username'/'password' and 'clientName' options",
  AUTH: "set the 'username'/'password' (or 'credentialProvider') options",
  RESET: LEASE,
  QUIT: 'use client.quit() or pool.disconnect()',
  MONITOR: LEASE,
  SYNC: LEASE,
  PSYNC: LEASE,
  READONLY: "use the cluster client's readFrom option, or " + LEASE,
  READWRITE: "use the cluster client's readFrom option, or " + LEASE,
  CLIENT: SHARED_CLIENT,
});

const CLIENT_SHARED_INSTEAD = new CommandNames<string>({
  REPLY: LEASE,
  TRACKING: "use the clientCache option, or " + LEASE,
  CACHING: "use the clientCache option, or " + LEASE,
  SETNAME: "set the 'clientName' option",
  'NO-EVICT': LEASE,
  'NO-TOUCH': LEASE,
});

/**
 * Why `args` must not run on a shared, multiplexed connection (what to use instead), or undefined for every
 * ordinary command. ASKING stays allowed: the cluster client writes it together with its command.
 */
export function sharedRefusalOf(args: readonly RedisArg[]): string | undefined {
  const instead = SHARED_INSTEAD.lookup(args[0]);
  if (instead !== SHARED_CLIENT) return instead;
  return CLIENT_SHARED_INSTEAD.lookup(args[1]);
}
