import { DataError } from '../../lib/errors/index.js';
import { scanHash, scanKeys, scanSet, scanSortedSet } from '../../lib/client/scan-iterators.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';

/** A SCAN-family sender that records what it was asked and answers one empty page. */
function recorder(): { run: (args: RedisArg[]) => Promise<RespValue>; sent: RedisArg[][] } {
  const sent: RedisArg[][] = [];
  return { sent, run: (args) => (sent.push(args), Promise.resolve(['0', []])) };
}

async function drain(iterator: AsyncGenerator<unknown>): Promise<unknown> {
  try {
    for await (const _ of iterator) { /* nothing */ }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('scan iterator options', () => {
  it.each([
    ['SCAN', (r: ReturnType<typeof recorder>, o: object) => scanKeys(r.run, o)],
    ['HSCAN', (r: ReturnType<typeof recorder>, o: object) => scanHash(r.run, 'h', o)],
    ['SSCAN', (r: ReturnType<typeof recorder>, o: object) => scanSet(r.run, 's', o)],
    ['ZSCAN', (r: ReturnType<typeof recorder>, o: object) => scanSortedSet(r.run, 'z', o)],
  ])('%s refuses an unknown key before sending anything (a dropped MATCH would scan every key)', async (command, iterate) => {
    const r = recorder();
    const error = await drain(iterate(r, { pattern: 'sess:*' }));
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(`${command} iterator: unknown option 'pattern'`);
    expect(r.sent).toEqual([]);
  });

  it('HSCAN has no TYPE; SCAN has, in both spellings', async () => {
    const r = recorder();
    expect(await drain(scanHash(r.run, 'h', { TYPE: 'string' } as object))).toBeInstanceOf(DataError);
    expect(await drain(scanKeys(r.run, { MATCH: 'a*', COUNT: 10, TYPE: 'hash' }))).toBeUndefined();
    expect(await drain(scanKeys(r.run, { match: 'b*', count: 5, type: 'set' }))).toBeUndefined();
    expect(r.sent).toEqual([
      ['SCAN', '0', 'MATCH', 'a*', 'COUNT', 10, 'TYPE', 'hash'],
      ['SCAN', '0', 'MATCH', 'b*', 'COUNT', 5, 'TYPE', 'set'],
    ]);
  });

  it('refuses options that are not an object', async () => {
    const r = recorder();
    expect(await drain(scanKeys(r.run, 'a*' as unknown as object))).toBeInstanceOf(DataError);
    expect(await drain(scanKeys(r.run, null as unknown as object))).toBeInstanceOf(DataError);
    expect(r.sent).toEqual([]);
  });
});
