import { inspect } from 'node:util';
import { ConfigError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import { DEFAULT_CONNECTION_OPTIONS } from '../../lib/connection/connection-defaults.js';
import { validateConnectionOptions } from '../../lib/connection/validate-connection-options.js';
import { redactArgs } from '../../lib/connection/connection-diagnostics.js';
import { LIB_NAME, LIB_VERSION } from '../../lib/version.js';

describe('connection options', () => {
  it('applies the documented defaults', () => {
    const o = validateConnectionOptions({});
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      protocol: 3,
      connectTimeout: DEFAULT_CONNECTION_OPTIONS.connectTimeout,
      commandTimeout: 5000,
      keepAlive: 30000,
      noDelay: true,
      maxQueued: 10000,
      maxInFlight: 100_000,
      maxInFlightBytes: 64 * 1024 * 1024,
      healthCheckInterval: 0,
      lazyConnect: false,
      tls: undefined,
    });
    expect(typeof o.retry).toBe('function');
    expect(validateConnectionOptions({ tls: true }).tls).toEqual({});
  });

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ port: '6379' }, 'port'],
    [{ host: '' }, 'host'],
    [{ db: -1 }, 'db'],
    [{ db: 1.5 }, 'db'],
    [{ protocol: 1 }, 'protocol'],
    [{ connectTimeout: -1 }, 'connectTimeout'],
    [{ commandTimeout: Number.NaN }, 'commandTimeout'],
    [{ maxInFlight: 0 }, 'maxInFlight'],
    [{ maxInFlightBytes: 100 }, 'maxInFlightBytes'],
    [{ keepAlive: true }, 'keepAlive'],
    [{ noDelay: 'yes' }, 'noDelay'],
    [{ maxQueued: -1 }, 'maxQueued'],
    [{ clientName: 'has space' }, 'clientName'],
    [{ tls: 'yes' }, 'tls'],
    [{ credentialProvider: 'x' }, 'credentialProvider'],
    [{ retry: { attempts: -1 } }, 'retry.attempts'],
    [{ path: '' }, 'path'],
  ])('rejects %p naming %s', (options, field) => {
    expect(() => validateConnectionOptions(options as never)).toThrow(ConfigError);
    expect(() => validateConnectionOptions(options as never)).toThrow(`'${field}'`);
  });

  it('never puts a password value in a ConfigError', () => {
    const secret = { toString: () => 'hunter2' };
    try {
      validateConnectionOptions({ password: secret as never });
      throw new Error('not rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("'password'");
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('the Connection constructor validates, and inspect shows endpoint and status but no password', () => {
    expect(() => new Connection({ port: -1, lazyConnect: true })).toThrow(ConfigError);
    const c = new Connection({ host: '::1', port: 6390, password: 'hunter2', username: 'u', lazyConnect: true });
    const text = inspect(c, { depth: 5, showHidden: true });
    expect(text).toContain('[::1]:6390');
    expect(text).toContain("status: 'idle'");
    expect(text).not.toContain('hunter2');
    expect(c.endpoint).toBe('[::1]:6390');
  });

  it('exports the library name and version for CLIENT SETINFO', () => {
    expect(LIB_NAME).toBe('redwire');
    expect(LIB_VERSION).toBe('0.1.0');
  });
});

describe('redactArgs (diagnostics)', () => {
  it('redacts AUTH, HELLO AUTH, MIGRATE AUTH/AUTH2, ACL SETUSER and CONFIG SET secrets', () => {
    expect(redactArgs('AUTH', ['AUTH', 'user', 'pw'])).toEqual(['?', '?']);
    expect(redactArgs('HELLO', ['HELLO', '3', 'AUTH', 'u', 'pw', 'SETNAME', 'n'])).toEqual(['3', 'AUTH', '?', '?', 'SETNAME', 'n']);
    expect(redactArgs('MIGRATE', ['MIGRATE', 'h', 1, '', 0, 5000, 'AUTH', 'pw', 'KEYS', 'k'])).toEqual(['h', 1, '', 0, 5000, 'AUTH', '?', 'KEYS', 'k']);
    expect(redactArgs('MIGRATE', ['MIGRATE', 'h', 1, 'k', 0, 5000, 'auth2', 'u', 'pw'])).toEqual(['h', 1, 'k', 0, 5000, 'auth2', '?', '?']);
    expect(redactArgs('ACL', ['ACL', 'SETUSER', 'bob', 'on', '>secret', '~*'])).toEqual(['SETUSER', 'bob', 'on', '?', '~*']);
    expect(redactArgs('CONFIG', ['CONFIG', 'SET', 'requirepass', 'pw', 'maxmemory', '1mb'])).toEqual(['SET', 'requirepass', '?', 'maxmemory', '1mb']);
    expect(redactArgs('GET', ['GET', 'k'])).toEqual(['k']);
  });
});
