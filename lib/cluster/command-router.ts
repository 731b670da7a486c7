import { CrossSlotError, ResponseError } from '../errors/index.js';
import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { argText } from '../client/commands/command-spec.js';
import { builtinKeylessPolicy, policyFromTips, type KeylessPolicy } from './command-policy.js';
import { keysFromInfo, parseCommandInfo, type CommandInfo } from './command-info.js';
import { keySlot } from './key-slot.js';

/** Where one command goes: the slot of its keys, or a keyless policy. */
export type Route =
  | { readonly kind: 'slot'; readonly slot: number; readonly readonly: boolean }
  | { readonly kind: 'keyless'; readonly policy: KeylessPolicy; readonly readonly: boolean };

/** A quick answer for well-known commands, without the server: keys and whether the command only reads. */
export interface FastCommandInfo {
  readonly keys: readonly RedisArg[];
  readonly readonly: boolean;
  /** For keyless commands: the table's fan-out policy, if any. */
  readonly policy?: KeylessPolicy;
}
export type FastPath = (args: readonly RedisArg[]) => FastCommandInfo | undefined;

/** How the router talks to the cluster (any node): COMMAND INFO and COMMAND GETKEYS. */
export interface RouterBackend {
  send(args: readonly RedisArg[]): Promise<RespValue>;
}

const RANDOM_PRIMARY: KeylessPolicy = { request: 'random-primary', response: 'all-succeeded' };

/**
 * Turns a command into a route: built-in table first, else the server's COMMAND INFO (fetched once per command
 * name, cached for the life of the client), COMMAND GETKEYS for commands whose keys cannot be found statically.
 */
export class CommandRouter {
  readonly #infos = new Map<string, Promise<CommandInfo | undefined>>();
  readonly #fastPath: FastPath;
  readonly #backend: RouterBackend;

  constructor(fastPath: FastPath, backend: RouterBackend) {
    this.#fastPath = fastPath;
    this.#backend = backend;
  }

  /** Synchronous route when the fast path knows the command; `undefined` means "ask `route()`". */
  routeSync(args: readonly RedisArg[]): Route | undefined {
    const fast = this.#fastPath(args);
    if (fast === undefined) return undefined;
    return this.#fromKeys(args, fast.keys, fast.readonly, fast.policy);
  }

  async route(args: readonly RedisArg[]): Promise<Route> {
    const sync = this.routeSync(args);
    if (sync !== undefined) return sync;
    const name = argText(args[0]).toLowerCase();
    let info = await this.#info(name);
    const sub = args.length > 1 ? argText(args[1]).toLowerCase() : undefined;
    if (info !== undefined && info.subcommands.size > 0 && sub !== undefined) {
      info = info.subcommands.get(`${name}|${sub}`) ?? info;
    }
    if (info === undefined) {
      // Unknown to the server too: let any primary answer (it will say "unknown command").
      return { kind: 'keyless', policy: builtinKeylessPolicy(name, sub) ?? RANDOM_PRIMARY, readonly: false };
    }
    const keys = info.needsGetKeys ? await this.#getKeys(args) : keysFromInfo(info, args);
    const policy = builtinKeylessPolicy(name, sub) ?? policyFromTips(info.tips);
    return this.#fromKeys(args, keys, info.readonly, policy);
  }

  #fromKeys(args: readonly RedisArg[], keys: readonly RedisArg[], readonly: boolean, policy: KeylessPolicy | undefined):
    Route {
    if (keys.length === 0) return { kind: 'keyless', policy: policy ?? RANDOM_PRIMARY, readonly };
    const slot = keySlot(keys[0] as RedisArg);
    for (let i = 1; i < keys.length; i++) {
      if (keySlot(keys[i] as RedisArg) !== slot) {
        const command = argText(args[0]);
        throw new CrossSlotError(
          `CROSSSLOT ${command} names keys in different hash slots; use keys with one {hash tag} or split the call`,
          { command, prefix: 'CROSSSLOT' },
        );
      }
    }
    return { kind: 'slot', slot, readonly };
  }

  #info(name: string): Promise<CommandInfo | undefined> {
    let pending = this.#infos.get(name);
    if (pending === undefined) {
      pending = this.#backend.send(['COMMAND', 'INFO', name]).then(
        (reply) => (Array.isArray(reply) ? parseCommandInfo(reply[0] ?? null) : undefined),
      );
      // A failed lookup is not cached: the next command asks again.
      pending.catch(() => this.#infos.delete(name));
      this.#infos.set(name, pending);
    }
    return pending;
  }

  async #getKeys(args: readonly RedisArg[]): Promise<RedisArg[]> {
    try {
      const reply = await this.#backend.send(['COMMAND', 'GETKEYS', ...args]);
      return Array.isArray(reply) ? reply.filter((k): k is string | Buffer => typeof k === 'string' || Buffer.isBuffer(k)) : [];
    } catch (error) {
      // "The command has no key arguments" is an error reply: the command is keyless.
      if (error instanceof ResponseError) return [];
      throw error;
    }
  }
}
