import { commandName } from '../connection/pending-command.js';
import { UnsafeCommandError } from '../errors/index.js';
import type { RedisArg } from '../protocol/resp-value.js';
import { sharedRefusalOf } from './connection-state-commands.js';
import type { BatchCommand, PoolConnection, ReplySink } from './pool-connection.js';

function refusal(args: readonly RedisArg[], endpoint: string): UnsafeCommandError | undefined {
  const instead = sharedRefusalOf(args);
  if (instead === undefined) return undefined;
  const name = commandName(args);
  return new UnsafeCommandError(
    `${name} was refused on the shared connection to ${endpoint}: other callers' commands are multiplexed on it, ` +
      `so it would change replies or connection state for all of them. Nothing was sent. Instead, ${instead}.`,
    { command: name, endpoint },
  );
}

/**
 * Makes a shared connection refuse, with `UnsafeCommandError`, the commands that would change its reply stream or
 * state for everyone multiplexed on it (see `sharedRefusalOf`). It wraps the connection itself, the lowest place
 * every shared command passes: `pool.sendCommand`, and `pool.sharedConnection()` used for pipelines
 * (`sendBatch`) and cluster ASKING. A batch holding a refused command is not sent at all (its other commands fail
 * too), so a pipeline never runs half of what was meant to go together.
 */
export function guardSharedConnection(conn: PoolConnection): void {
  const send = conn.sendCommand.bind(conn) as PoolConnection['sendCommand'];
  conn.sendCommand = ((args: readonly RedisArg[], options) => {
    const refused = Array.isArray(args) ? refusal(args, conn.endpoint) : undefined;
    return refused === undefined ? send(args, options) : Promise.reject(refused);
  }) as PoolConnection['sendCommand'];
  const sendBatch = conn.sendBatch?.bind(conn);
  if (sendBatch === undefined) return;
  conn.sendBatch = (commands: readonly BatchCommand[], sink: ReplySink): void => {
    for (let i = 0; i < commands.length; i++) {
      const args = commands[i]?.args;
      const refused = Array.isArray(args) ? refusal(args, conn.endpoint) : undefined;
      if (refused !== undefined) {
        refuseBatch(commands, sink, i, refused);
        return;
      }
    }
    sendBatch(commands, sink);
  };
}

function refuseBatch(commands: readonly BatchCommand[], sink: ReplySink, at: number, refused: UnsafeCommandError): void {
  const others = new UnsafeCommandError(
    `Not sent: the same batch holds ${refused.command ?? 'a command'} (command ${at + 1}), which the shared ` +
      `connection refuses. ${refused.message}`,
    refused.endpoint === undefined ? {} : { endpoint: refused.endpoint },
  );
  for (let i = 0; i < commands.length; i++) {
    const args = commands[i]?.args;
    const own = i === at ? refused : Array.isArray(args) ? refusal(args, refused.endpoint ?? '') : undefined;
    sink.settle(i, own ?? others, null);
  }
}
