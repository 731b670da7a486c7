import { MasterNotFoundError, ReplicaNotFoundError, ResponseError } from '../errors/index.js';
import type { SentinelAddress } from './sentinel-event.js';
import { addressKey, type SentinelLinks } from './sentinel-links.js';
import {
  isHealthyReplica,
  masterProblem,
  toSentinelInstance,
  toSentinelInstances,
  type SentinelInstance,
} from './sentinel-reply.js';

/** What one sentinel answered during a discovery, for error messages. */
export interface SentinelAnswer {
  sentinel: string;
  answer: string;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function formatAnswers(answers: readonly SentinelAnswer[]): string {
  return answers.map(({ sentinel, answer }) => `${sentinel} ${answer}`).join('; ');
}

/**
 * Discovery against an ordered sentinel list (the Sentinel client spec, steps 1-2): ask each sentinel in turn, move
 * the one that gave a usable answer to the front, and keep what every other one said for the error message.
 */
export class SentinelDiscovery {
  #sentinels: SentinelAddress[];

  constructor(
    sentinels: readonly SentinelAddress[],
    readonly links: SentinelLinks,
    readonly minOtherSentinels: number,
  ) {
    this.#sentinels = sentinels.map((s) => ({ ...s }));
  }

  get sentinels(): readonly SentinelAddress[] {
    return this.#sentinels.map((s) => ({ ...s }));
  }

  /** Puts `address` first (adding it when unknown). */
  promote(address: SentinelAddress): void {
    const key = addressKey(address);
    this.#sentinels = [{ ...address }, ...this.#sentinels.filter((s) => addressKey(s) !== key)];
  }

  /** Adds sentinels not yet known at the end of the list. */
  add(addresses: readonly SentinelAddress[]): void {
    const known = new Set(this.#sentinels.map(addressKey));
    for (const address of addresses) {
      if (!known.has(addressKey(address))) {
        known.add(addressKey(address));
        this.#sentinels.push({ host: address.host, port: address.port });
      }
    }
  }

  /**
   * `SENTINEL MASTER <name>` from the first sentinel that reports a usable master; `stale` may refuse an answer
   * (e.g. one naming a master already demoted, from a sentinel that has not heard of the failover yet).
   */
  async master(
    name: string,
    stale?: (master: SentinelInstance) => string | undefined,
  ): Promise<{ master: SentinelInstance; sentinel: SentinelAddress }> {
    const answers: SentinelAnswer[] = [];
    for (const sentinel of [...this.#sentinels]) {
      const label = addressKey(sentinel);
      try {
        const master = toSentinelInstance(await this.links.send(sentinel, ['SENTINEL', 'MASTER', name]));
        const problem = masterProblem(master, this.minOtherSentinels) ?? stale?.(master);
        if (problem === undefined) {
          this.promote(sentinel);
          return { master, sentinel };
        }
        answers.push({ sentinel: label, answer: problem });
      } catch (error) {
        answers.push({ sentinel: label, answer: `failed: ${describeError(error)}` });
      }
    }
    throw new MasterNotFoundError(
      `No usable master '${name}' found through ${answers.length} sentinel(s): ${formatAnswers(answers)}. ` +
        'Check that the sentinels are reachable, monitor this master name, and agree it is up.',
    );
  }

  /**
   * Healthy replicas (not s_down/o_down/disconnected, master link ok) from the first sentinel that lists any.
   * Returns an empty list, with what each sentinel said, when none has one.
   */
  async replicas(name: string): Promise<{ replicas: SentinelInstance[]; answers: SentinelAnswer[] }> {
    const answers: SentinelAnswer[] = [];
    for (const sentinel of [...this.#sentinels]) {
      const label = addressKey(sentinel);
      try {
        const all = toSentinelInstances(await this.links.send(sentinel, ['SENTINEL', 'REPLICAS', name]));
        const healthy = all.filter(isHealthyReplica);
        if (healthy.length > 0) {
          this.promote(sentinel);
          return { replicas: healthy, answers };
        }
        const listed = all.map((r) => `${r.host}:${r.port}(${r.flags.join(',')})`).join(' ');
        answers.push({ sentinel: label, answer: `lists no healthy replica${listed === '' ? '' : `: ${listed}`}` });
      } catch (error) {
        answers.push({ sentinel: label, answer: `failed: ${describeError(error)}` });
      }
    }
    return { replicas: [], answers };
  }

  /** `SENTINEL SENTINELS <name>` from the first sentinel that answers: the peers it knows (not down). */
  async peers(name: string): Promise<SentinelAddress[]> {
    const answers: SentinelAnswer[] = [];
    for (const sentinel of [...this.#sentinels]) {
      try {
        const peers = toSentinelInstances(await this.links.send(sentinel, ['SENTINEL', 'SENTINELS', name]));
        return peers
          .filter((peer) => !peer.flags.includes('s_down') && !peer.flags.includes('o_down'))
          .map((peer) => ({ host: peer.host, port: peer.port }));
      } catch (error) {
        answers.push({ sentinel: addressKey(sentinel), answer: `failed: ${describeError(error)}` });
      }
    }
    throw new MasterNotFoundError(
      `No sentinel answered SENTINEL SENTINELS for '${name}': ${formatAnswers(answers)}. Check that the sentinels are reachable.`,
    );
  }

  /** Sends a command to the sentinels in turn until one answers without error (e.g. SENTINEL FAILOVER). */
  async command(args: readonly string[]): Promise<{ reply: unknown; sentinel: SentinelAddress }> {
    const answers: SentinelAnswer[] = [];
    for (const sentinel of [...this.#sentinels]) {
      try {
        return { reply: await this.links.send(sentinel, args), sentinel };
      } catch (error) {
        // The sentinel answered (e.g. INPROG, NOGOODSLAVE): that is the answer, not a reason to ask another one.
        if (error instanceof ResponseError) throw error;
        answers.push({ sentinel: addressKey(sentinel), answer: `failed: ${describeError(error)}` });
      }
    }
    throw new MasterNotFoundError(
      `No sentinel accepted ${args.slice(0, 2).join(' ')}: ${formatAnswers(answers)}.`,
    );
  }
}

export function replicaNotFound(name: string, answers: readonly SentinelAnswer[], masterError: unknown): ReplicaNotFoundError {
  const masterText = masterError instanceof Error ? masterError.message : String(masterError);
  return new ReplicaNotFoundError(
    `No healthy replica of '${name}' found (${formatAnswers(answers) || 'no sentinel asked'}), and no master to fall ` +
      `back to: ${masterText}`,
  );
}
