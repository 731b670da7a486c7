import type { CommandCall } from '../client/commands/command-call.js';
import { CommandsBase } from '../client/commands/commands-base.js';
import { commandMethodNames } from '../client/commands/command-methods.js';

/** Records the CommandCalls the typed methods build, for pipelines and transactions. */
export class CallCollector extends CommandsBase {
  readonly calls: CommandCall<unknown>[] = [];
  /** Positions whose command could not be built (bad argument), with the rejected promise carrying the error. */
  readonly invalid = new Map<number, Promise<unknown>>();

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.calls.push(call as CommandCall<unknown>);
    return Promise.resolve(undefined as T);
  }
}

/** Gives `target` every typed method plus `call`, each recording into `collectorOf(this)` and returning `this`. */
export function installChainableMethods(target: object, collectorOf: (self: object) => CallCollector): void {
  for (const name of [...commandMethodNames, 'call'] as const) {
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: function (this: object, ...params: unknown[]): object {
        const collector = collectorOf(this) as unknown as Record<string, (...p: unknown[]) => Promise<unknown>>;
        const c = collectorOf(this);
        const before = c.calls.length;
        const result = collector[name]?.(...params) ?? Promise.resolve();
        result.catch(() => undefined);
        // A build error (bad argument) surfaces at exec() as that command's error, keeping positions aligned.
        if (c.calls.length === before) {
          c.invalid.set(before, result);
          c.calls.push({ args: [String(name).toUpperCase()] });
        }
        return this;
      },
    });
  }
}
