import { CommandsBase, commandMethodNames, type CommandCall } from '../../lib/client/commands/index.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { DataError } from '../../lib/errors/index.js';
import { stringMethods } from '../../lib/client/commands/string-commands.js';
import { keyMethods } from '../../lib/client/commands/key-commands.js';
import { hashMethods } from '../../lib/client/commands/hash-commands.js';
import { listMethods } from '../../lib/client/commands/list-commands.js';
import { setMethods } from '../../lib/client/commands/set-commands.js';
import { sortedSetMethods } from '../../lib/client/commands/sorted-set-commands.js';
import { streamMethods } from '../../lib/client/commands/stream-commands.js';
import { hyperLogLogMethods } from '../../lib/client/commands/hyperloglog-commands.js';
import { bitmapMethods } from '../../lib/client/commands/bitmap-commands.js';
import { geoMethods } from '../../lib/client/commands/geo-commands.js';
import { scriptingMethods } from '../../lib/client/commands/scripting-commands.js';
import { serverMethods } from '../../lib/client/commands/server-commands.js';
import { connectionMethods } from '../../lib/client/commands/connection-commands.js';
import { pubSubMethods } from '../../lib/client/commands/pubsub-commands.js';

/** Records every call and answers with a canned reply, run through the call's transform. */
class RecordingClient extends CommandsBase {
  calls: CommandCall<unknown>[] = [];
  reply: RespValue = 'OK';

  protected executeCommand<T>(call: CommandCall<T>): Promise<T> {
    this.calls.push(call as CommandCall<unknown>);
    return Promise.resolve(call.transform ? call.transform(this.reply) : (this.reply as T));
  }
}

describe('CommandsBase', () => {
  it('generates every typed method on the prototype and sends the built args', async () => {
    const client = new RecordingClient();
    for (const name of commandMethodNames) expect(typeof client[name]).toBe('function');
    client.reply = 'v';
    await expect(client.get('k')).resolves.toBe('v');
    expect(client.calls[0]?.args).toEqual(['GET', 'k']);
    expect(client.calls[0]?.blocking).toBeUndefined();
  });

  it('lists every family method exactly once (no family shadows another)', () => {
    const families = [
      stringMethods, keyMethods, hashMethods, listMethods, setMethods, sortedSetMethods, streamMethods, hyperLogLogMethods,
      bitmapMethods, geoMethods, scriptingMethods, serverMethods, connectionMethods, pubSubMethods,
    ];
    const all = families.flatMap((f) => Object.keys(f));
    expect(new Set(all).size).toBe(all.length);
    expect([...commandMethodNames].sort()).toEqual(all.sort());
  });

  it('call() sends any command with the reply as decoded', async () => {
    const client = new RecordingClient();
    client.reply = [1, 'x'];
    await expect(client.call('OBJECT', 'HELP')).resolves.toEqual([1, 'x']);
    expect(client.calls[0]?.args).toEqual(['OBJECT', 'HELP']);
  });

  it('flags blocking commands with their block time, also through call()', async () => {
    const client = new RecordingClient();
    client.reply = null;
    await client.blpop(['a', 'b'], 1.5);
    await client.call('brpop', 'q', 0);
    expect(client.calls[0]).toMatchObject({ args: ['BLPOP', 'a', 'b', 1.5], blocking: true, blockTimeoutMs: 1500 });
    expect(client.calls[1]).toMatchObject({ blocking: true, blockTimeoutMs: 0 });
  });

  it('withBuffers() and withOptions() views delegate to the original executor with their options', async () => {
    const client = new RecordingClient();
    const controller = new AbortController();
    client.reply = Buffer.from('v');
    const value: Buffer | null = await client.withBuffers().get('k');
    expect(Buffer.isBuffer(value)).toBe(true);
    await client.withOptions({ signal: controller.signal, timeout: 50 }).withBuffers().get('k');
    expect(client.calls[0]?.returnBuffers).toBe(true);
    expect(client.calls[1]).toMatchObject({ returnBuffers: true, timeout: 50, signal: controller.signal });
  });

  it('rejects (never throws synchronously) on invalid parameters, before anything is sent', async () => {
    const client = new RecordingClient();
    const pending = client.mset('a', 1, 'b');
    await expect(pending).rejects.toBeInstanceOf(DataError);
    await expect(client.set('k', 'v', { EX: 1, PX: 5 })).rejects.toThrow(/at most one/);
    expect(client.calls).toHaveLength(0);
  });
});
