import { RedisModule, validateRedisModuleOptions } from '../../lib/nest/index.js';
import { configErrorMessage } from '../support/config-error.js';

describe('validateRedisModuleOptions', () => {
  it('applies the module defaults and resolves a URL into topology options', () => {
    const resolved = validateRedisModuleOptions({ url: 'redis+sentinel://127.0.0.1:26400,127.0.0.1:26401/mymaster' }, 'default');
    expect(resolved).toMatchObject({ connectOnInit: true, failFast: true, shutdownTimeout: 5000, logger: true });
    expect(resolved.client.topology).toBe('sentinel');
    expect(resolved.client.options).toMatchObject({
      masterName: 'mymaster',
      sentinels: [{ host: '127.0.0.1', port: 26400 }, { host: '127.0.0.1', port: 26401 }],
    });
  });

  it('defaults to a standalone topology without URL', () => {
    expect(validateRedisModuleOptions({ options: { port: 6390 } }, 'x').client).toEqual({ topology: 'standalone', options: { port: 6390 } });
  });

  it('rejects top-level connection fields, naming the connection and the key', () => {
    expect(configErrorMessage(() => validateRedisModuleOptions({ host: 'a', password: 'pw-top' }, 'orders'))).toMatch(
      /^Redis connection 'orders': invalid option 'host': unknown option/,
    );
  });

  it('rejects a topology that contradicts the URL, with the URL redacted', () => {
    const text = configErrorMessage(() => validateRedisModuleOptions({ url: 'redis://:pw-in-url@h:1', topology: 'cluster' }, 'c'));
    expect(text).toMatch(/'topology'.*contradicts/);
    expect(text).not.toContain('pw-in-url');
  });

  it('requires masterName for sentinel and nodes for cluster', () => {
    expect(configErrorMessage(() => validateRedisModuleOptions({ topology: 'sentinel', options: { sentinels: [{ host: 'h', port: 1 }] } }, 's')))
      .toMatch(/'options.masterName'/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ topology: 'cluster', options: { nodes: [] } }, 'k'))).toMatch(/'options.nodes'/);
  });

  it('reports a bad password type without its value', () => {
    const text = configErrorMessage(() => validateRedisModuleOptions({ options: { password: 12345678 } }, 'p'));
    expect(text).toMatch(/Redis connection 'p'.*'password'/);
    expect(text).not.toContain('12345678');
  });

  it('checks the module options themselves', () => {
    expect(configErrorMessage(() => validateRedisModuleOptions({ shutdownTimeout: -1 }, 'd'))).toMatch(/'shutdownTimeout'/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ failFast: 'yes' }, 'd'))).toMatch(/'failFast'/);
    expect(configErrorMessage(() => validateRedisModuleOptions({ logger: 'loud' }, 'd'))).toMatch(/'logger'/);
  });
});

describe('RedisModule.forRootAsync', () => {
  it('needs exactly one of useFactory, useClass, useExisting', () => {
    expect(configErrorMessage(() => RedisModule.forRootAsync({ name: 'a' }))).toMatch(/exactly one of useFactory, useClass or useExisting \(got 0\)/);
  });

  it('rejects connection names that would make ambiguous tokens', () => {
    expect(configErrorMessage(() => RedisModule.forRoot({ name: 'a:b' }))).toMatch(/connection name/);
  });
});
