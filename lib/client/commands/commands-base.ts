import type { RedisArg, RespValue } from '../../protocol/resp-value.js';
import type { CallOptions, CommandCall } from './command-call.js';
import type { StringOrBuffer } from './command-types.js';
import { commandMethodNames, commandMethods, type RedisCommandMethods } from './command-methods.js';
import { buildCommandCall, rawCommandCall, type ErasedMethodSpec } from './build-command-call.js';

type Execute = <T>(call: CommandCall<T>) => Promise<T>;

/**
 * Base of everything that runs commands (RedisClient, ClusterClient, Pipeline, Transaction). A subclass implements
 * only `executeCommand`; every typed method (`get`, `hgetall`, `xreadgroup`, ...) is generated from the command
 * table onto this prototype: it builds a `CommandCall` and hands it to `executeCommand`.
 *
 * `S` is the type of string replies: `string`, or `Buffer` on a `withBuffers()` view.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the interface of the same name adds the generated command methods
export abstract class CommandsBase<S extends StringOrBuffer = string> {
  /**
   * Send `call.args`, honouring `returnBuffers`, `blocking` (use a leased connection) and `blockTimeoutMs`,
   * `signal` and `timeout`, then resolve with `call.transform(reply)` (or the reply when there is no transform).
   * Error replies reject with the lib/errors class. A throwing transform must reject the promise.
   */
  protected abstract executeCommand<T>(call: CommandCall<T>): Promise<T>;

  /** Any command, reply as decoded (RESP2 or RESP3 shape). Blocking commands are detected from the table. */
  call(command: string, ...args: RedisArg[]): Promise<RespValue> {
    return this.executeCommand(rawCommandCall([command, ...args]));
  }

  /** A view of this client whose replies carry Buffers instead of strings (same connections, same methods). */
  withBuffers(): CommandsBase<Buffer> {
    return new CommandsView<Buffer>(this.#executor(), { returnBuffers: true });
  }

  /** A view whose every command carries these options (an AbortSignal, a timeout in ms). */
  withOptions(options: Omit<CallOptions, 'returnBuffers'>): CommandsBase<S> {
    return new CommandsView<S>(this.#executor(), options);
  }

  #executor(): Execute {
    return (call) => this.executeCommand(call);
  }
}

// Declaration merging: the generated methods are part of CommandsBase's type.
export interface CommandsBase<S extends StringOrBuffer = string> extends RedisCommandMethods<S> {}

/** withBuffers()/withOptions(): delegates to the original executor with extra call options. */
class CommandsView<S extends StringOrBuffer> extends CommandsBase<S> {
  readonly #execute: Execute;
  readonly #options: CallOptions;

  constructor(execute: Execute, options: CallOptions) {
    super();
    this.#execute = execute;
    this.#options = options;
  }

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    return this.#execute({ ...this.#options, ...call });
  }

  override withBuffers(): CommandsBase<Buffer> {
    return new CommandsView<Buffer>(this.#execute, { ...this.#options, returnBuffers: true });
  }

  override withOptions(options: Omit<CallOptions, 'returnBuffers'>): CommandsBase<S> {
    return new CommandsView<S>(this.#execute, { ...this.#options, ...options });
  }
}

// Generate the typed methods on the prototype, one per command-table method.
for (const name of commandMethodNames) {
  const spec = commandMethods[name] as unknown as ErasedMethodSpec;
  Object.defineProperty(CommandsBase.prototype, name, {
    configurable: true,
    writable: true,
    value: function (this: { executeCommand: Execute }, ...params: unknown[]): Promise<unknown> {
      let call: CommandCall<unknown>;
      try {
        call = buildCommandCall(spec, params);
      } catch (error) {
        return Promise.reject(error);
      }
      return this.executeCommand(call);
    },
  });
}
