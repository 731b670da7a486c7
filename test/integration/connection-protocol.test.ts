import { ResponseError, WrongTypeError } from '../../lib/errors/index.js';
import type { Connection } from '../../lib/connection/connection.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { useStandaloneConnections } from '../support/standalone-connections.js';

const connection = useStandaloneConnections();
async function connected(protocol: 2 | 3): Promise<Connection> {
  const c = connection({ protocol });
  await c.connect();
  return c;
}

const map = (entries: [string, RespValue][]): RespValue => Object.assign(Object.create(null) as object, Object.fromEntries(entries)) as RespValue;

describe('RESP3 and RESP2 replies (DEBUG PROTOCOL)', () => {
  const cases: [string, RespValue, RespValue][] = [
    ['map', map([['0', false], ['1', true], ['2', false]]), [0, 0, 1, 1, 2, 0]],
    ['double', 3.141, '3.141'],
    ['bignum', 1234567999999999999999999999999999999n, '1234567999999999999999999999999999999'],
    ['true', true, 1],
    ['false', false, 0],
    ['null', null, null],
    ['attrib', 'Some real reply following the attribute', 'Some real reply following the attribute'],
    ['verbatim', 'This is a verbatim\nstring', 'This is a verbatim\nstring'],
    ['set', [0, 1, 2], [0, 1, 2]],
  ];

  it.each(cases)('DEBUG PROTOCOL %s', async (kind, resp3, resp2) => {
    const three = await connected(3);
    const two = await connected(2);
    expect(three.protocol).toBe(3);
    expect(two.protocol).toBe(2);
    const got3 = await three.sendCommand(['DEBUG', 'PROTOCOL', kind]);
    const got2 = await two.sendCommand(['DEBUG', 'PROTOCOL', kind]);
    if (kind === 'set') {
      expect([...(got3 as number[])].sort()).toEqual(resp3);
    } else {
      expect(got3).toEqual(resp3);
    }
    expect(got2).toEqual(resp2);
    // The next reply still belongs to the next command (attributes are never taken as a reply).
    expect(await three.sendCommand(['ECHO', `after-${kind}`])).toBe(`after-${kind}`);
  });

  it('error replies become typed errors with command and endpoint, and the FIFO stays in sync', async () => {
    for (const protocol of [2, 3] as const) {
      const c = await connected(protocol);
      await c.sendCommand(['SET', 'conn:proto:str', 'x']);
      const results = await Promise.allSettled([
        c.sendCommand(['LPUSH', 'conn:proto:str', 'a']),
        c.sendCommand(['NOSUCHCOMMAND']),
        c.sendCommand(['GET', 'conn:proto:str']),
      ]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(WrongTypeError) });
      expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ command: 'LPUSH', endpoint: '127.0.0.1:6390' });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(ResponseError) });
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ command: 'NOSUCHCOMMAND', prefix: 'ERR' });
      expect(results[2]).toEqual({ status: 'fulfilled', value: 'x' });
    }
  });

  it('tracks the database after SELECT', async () => {
    const c = await connected(3);
    await c.sendCommand(['SELECT', 5]);
    expect(c.db).toBe(5);
    await expect(c.sendCommand(['SELECT', 99999])).rejects.toBeInstanceOf(ResponseError);
    expect(c.db).toBe(5);
  });
});
