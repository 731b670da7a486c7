import { sharedRefusalOf } from '../../lib/pool/connection-state-commands.js';
import { LeaseState } from '../../lib/pool/lease-state.js';
import type { RedisArg } from '../../lib/protocol/resp-value.js';

function after(...commands: RedisArg[][]): LeaseState {
  const state = new LeaseState();
  for (const args of commands) state.note(args);
  return state;
}

describe('LeaseState: what a lease leaves behind, from command names', () => {
  test('ordinary commands and a transaction run to EXEC or DISCARD leave nothing', () => {
    expect(after(['GET', 'k'], ['BLPOP', 'l', 1], ['CLIENT', 'ID'], ['HSET', 'h', 'f', 'v']).needsReset).toBe(false);
    expect(after(['WATCH', 'k'], ['MULTI'], ['SET', 'k', 'v'], ['EXEC']).needsReset).toBe(false);
    expect(after(['multi'], ['incr', 'k'], ['discard']).needsReset).toBe(false);
    expect(after(['WATCH', 'k'], ['UNWATCH']).needsReset).toBe(false);
  });

  test('an open MULTI, WATCHes left, or state changes need a reset', () => {
    expect(after(['MULTI'], ['SET', 'k', 'v'])).toMatchObject({ multi: true });
    expect(after(['WATCH', 'k'])).toMatchObject({ watching: true });
    // EXEC without MULTI leaves the WATCH; UNWATCH inside MULTI is only queued.
    expect(after(['WATCH', 'k'], ['EXEC'])).toMatchObject({ watching: true });
    expect(after(['WATCH', 'k'], ['MULTI'], ['UNWATCH'])).toMatchObject({ watching: true, multi: true });
    for (const args of [['SELECT', 3], ['CLIENT', 'SETNAME', 'x'], ['client', 'tracking', 'on'], ['HELLO', '2'], ['AUTH', 'pw'],
      ['RESET'], ['SUBSCRIBE', 'c'], ['ssubscribe', 'c'], ['READONLY'], ['CLIENT', 'NO-EVICT', 'ON']] as RedisArg[][]) {
      expect([args, after(args).needsReset]).toEqual([args, true]);
    }
    // SELECT inside a transaction still moves the connection once EXEC runs.
    expect(after(['MULTI'], ['SELECT', 3], ['EXEC']).needsReset).toBe(true);
  });

  test('CLIENT REPLY, MONITOR and SYNC poison the connection (closed, never reset)', () => {
    expect(after(['CLIENT', 'REPLY', 'OFF']).poisoned).toBe(true);
    expect(after([Buffer.from('client'), Buffer.from('reply'), 'SKIP']).poisoned).toBe(true);
    expect(after(['MONITOR']).poisoned).toBe(true);
    expect(after(['PSYNC', '?', -1]).poisoned).toBe(true);
    expect(after(['CLIENT', 'INFO']).poisoned).toBe(false);
  });
});

describe('sharedRefusalOf: commands refused on a shared connection', () => {
  test('refuses state-changing commands in any case, as strings or Buffers', () => {
    for (const args of [['CLIENT', 'REPLY', 'SKIP'], ['Client', 'Caching', 'yes'], ['select', 1], [Buffer.from('MONITOR')],
      ['PUNSUBSCRIBE'], ['QUIT'], ['READWRITE'], ['WATCH', 'k']] as RedisArg[][]) {
      expect([args, typeof sharedRefusalOf(args)]).toEqual([args, 'string']);
    }
  });

  test('lets ordinary commands through, including ASKING (cluster) and harmless CLIENT subcommands', () => {
    for (const args of [['GET', 'k'], ['SET', 'k', 'v'], ['HGETALL', 'h'], ['SADD', 's', 'm'], ['RPUSH', 'l', 'v'], ['ASKING'],
      ['CLIENT', 'ID'], ['CLIENT', 'KILL', 'ID', 1], ['CLIENT', 'SETINFO', 'LIB-NAME', 'x'], ['EXEC'], ['PUBLISH', 'c', 'm'],
      ['SINTER', 'a'], ['CLIENT'], [], [42], [Buffer.alloc(100)]] as RedisArg[][]) {
      expect([args, sharedRefusalOf(args)]).toEqual([args, undefined]);
    }
  });
});
