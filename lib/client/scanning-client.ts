import type { RedisArg, RespValue } from '../protocol/resp-value.js';
import { CommandsBase } from './commands/commands-base.js';
import type { ScoredMember } from './commands/command-types.js';
import { scanHash, scanSet, scanSortedSet, type ScanOptions } from './scan-iterators.js';

/**
 * Base of RedisClient and ClusterClient: the typed commands plus the iterators over one key's elements. HSCAN,
 * SSCAN and ZSCAN go through `call()`, so each client routes them as it routes any keyed command (on a cluster:
 * to the key's node). SCAN over every key differs per client and stays in each.
 */
export abstract class ScanningClient extends CommandsBase {
  /** [field, value] pairs of a hash (HSCAN). */
  hscanIterator(key: RedisArg, options: ScanOptions = {}): AsyncGenerator<[string, string]> {
    return scanHash((args) => this.callArgs(args), key, options);
  }

  /** Members of a set (SSCAN). */
  sscanIterator(key: RedisArg, options: ScanOptions = {}): AsyncGenerator<string> {
    return scanSet((args) => this.callArgs(args), key, options);
  }

  /** { member, score } of a sorted set (ZSCAN). */
  zscanIterator(key: RedisArg, options: ScanOptions = {}): AsyncGenerator<ScoredMember> {
    return scanSortedSet((args) => this.callArgs(args), key, options);
  }

  /** `call()` with the command name as the first element of `args`. */
  protected callArgs(args: RedisArg[]): Promise<RespValue> {
    return this.call(String(args[0]), ...args.slice(1));
  }
}
