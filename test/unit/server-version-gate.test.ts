/** The integration tests' version gate (test/support/server-version.ts) against a scripted server of a given version. */
import { jest } from '@jest/globals';
import { defaultHandshake, encodeReply, startFakeRedisServer, type FakeRedisServer } from '../support/fake-redis-server.js';
import { requireServerVersion, versionAtLeast } from '../support/server-version.js';

let server: FakeRedisServer;
beforeAll(async () => {
  server = await startFakeRedisServer((args, client) => {
    if (defaultHandshake(args, client)) return;
    if (args[0] === 'INFO') client.write(encodeReply('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n'));
  }, 0);
});
afterAll(() => server.close());

describe('server version gate', () => {
  it.each([
    ['7.0.15', '7.2', false],
    ['7.2.0', '7.2', true],
    ['7.10.1', '7.2', true],
    ['8.0.0', '7.2.4', true],
    ['7.2.3', '7.2.4', false],
    ['7.2', '7.2.0', true],
  ])('%s >= %s is %s', (actual, required, expected) => {
    expect(versionAtLeast(actual, required)).toBe(expected);
  });

  it('on an older server: a skipping describe whose title names both versions, and a printed line', async () => {
    const warn = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const skip = jest.spyOn(describe, 'skip').mockImplementation(() => undefined);
    try {
      const gated = await requireServerVersion(server.port, '7.2');
      expect(gated).not.toBe(describe);
      gated('WAITAOF', () => undefined);
      expect(skip).toHaveBeenCalledWith(`WAITAOF [skipped: needs Redis >= 7.2, 127.0.0.1:${server.port} runs 7.0.15]`, expect.any(Function));
      // On stderr itself: Jest drops console output of a file whose tests are all skipped.
      expect(warn).toHaveBeenCalledWith(`[version gate] skipping a suite that needs Redis >= 7.2, 127.0.0.1:${server.port} runs 7.0.15\n`);
    } finally {
      warn.mockRestore();
      skip.mockRestore();
    }
  });

  it('on a new enough server: describe itself', async () => {
    expect(await requireServerVersion(server.port, '7.0')).toBe(describe);
  });

  it('with REDWIRE_REQUIRE_SERVER_VERSION=1 an older server fails the suite, naming the versions', async () => {
    process.env.REDWIRE_REQUIRE_SERVER_VERSION = '1';
    try {
      await expect(requireServerVersion(server.port, '7.2')).rejects.toThrow(`needs Redis >= 7.2, 127.0.0.1:${server.port} runs 7.0.15`);
    } finally {
      delete process.env.REDWIRE_REQUIRE_SERVER_VERSION;
    }
  });

  it('no server on the port: fails naming the start command (never a skip)', async () => {
    await expect(requireServerVersion(1, '7.2')).rejects.toThrow(/could not read the server version on 127\.0\.0\.1:1 .*npm run topology:up/);
  });
});
