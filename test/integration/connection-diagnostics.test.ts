import diagnosticsChannel from 'node:diagnostics_channel';
import { Connection } from '../../lib/connection/connection.js';
import type { CommandTraceContext, ConnectTraceContext } from '../../lib/connection/connection-diagnostics.js';
import { requireTopology, STANDALONE, STANDALONE_ACL } from '../support/topology.js';

const open: Connection[] = [];
beforeAll(async () => {
  await requireTopology('standalone');
});
afterAll(async () => {
  for (const c of open) c.destroy();
});

describe('diagnostics channels', () => {
  it('publishes redwire:command and redwire:connect with redacted secrets', async () => {
    const events: [string, string, CommandTraceContext][] = [];
    const connects: [string, ConnectTraceContext][] = [];
    const command = diagnosticsChannel.tracingChannel<string, CommandTraceContext>('redwire:command');
    const connect = diagnosticsChannel.tracingChannel<string, ConnectTraceContext>('redwire:connect');
    const handlers = (kind: string) => ({
      start: (ctx: CommandTraceContext) => events.push([kind, 'start', ctx]),
      end: (ctx: CommandTraceContext) => events.push([kind, 'end', ctx]),
      asyncStart: (ctx: CommandTraceContext) => events.push([kind, 'asyncStart', ctx]),
      asyncEnd: (ctx: CommandTraceContext) => events.push([kind, 'asyncEnd', ctx]),
      error: (ctx: CommandTraceContext) => events.push([kind, 'error', ctx]),
    });
    const commandHandlers = handlers('command');
    const connectHandlers = {
      start: (ctx: ConnectTraceContext) => connects.push(['start', ctx]),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (ctx: ConnectTraceContext) => connects.push(['asyncEnd', ctx]),
      error: (ctx: ConnectTraceContext) => connects.push(['error', ctx]),
    };
    command.subscribe(commandHandlers);
    connect.subscribe(connectHandlers);
    try {
      const c = new Connection({ host: STANDALONE_ACL.host, port: STANDALONE_ACL.port, ...STANDALONE_ACL.users.app, lazyConnect: true });
      open.push(c);
      await c.connect();
      expect(connects.map(([phase]) => phase)).toEqual(['start', 'asyncEnd']);
      expect(connects[0]![1]).toMatchObject({ serverAddress: '127.0.0.1', serverPort: 6392, database: 0 });

      await c.sendCommand(['SET', 'conn:diag', 'v']);
      await c.sendCommand(['AUTH', 'app', STANDALONE_ACL.users.app.password]);
      await c.sendCommand(['HELLO', '3', 'AUTH', 'app', STANDALONE_ACL.users.app.password, 'SETNAME', 'diag']);
      await c.sendCommand(['LPUSH', 'conn:diag', 'x']).catch(() => undefined);

      const phases = (name: string): string[] => events.filter(([, , ctx]) => ctx.command === name).map(([, p]) => p);
      expect(phases('SET')).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(phases('LPUSH')).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
      const set = events.find(([, , ctx]) => ctx.command === 'SET')![2];
      expect(set).toMatchObject({ args: ['conn:diag', 'v'], database: 0, serverAddress: '127.0.0.1', serverPort: 6392, result: 'OK' });
      const auth = events.find(([, , ctx]) => ctx.command === 'AUTH')![2];
      expect(auth.args).toEqual(['?', '?']);
      const hello = events.find(([, , ctx]) => ctx.command === 'HELLO')![2];
      expect(hello.args).toEqual(['3', 'AUTH', '?', '?', 'SETNAME', 'diag']);
      expect(JSON.stringify(events.map(([, , ctx]) => ctx.args))).not.toContain(STANDALONE_ACL.users.app.password);
    } finally {
      command.unsubscribe(commandHandlers);
      connect.unsubscribe(connectHandlers);
    }
  });

  it('publishes a connect error for a failed attempt', async () => {
    const errors: ConnectTraceContext[] = [];
    const connect = diagnosticsChannel.tracingChannel<string, ConnectTraceContext>('redwire:connect');
    const handlers = { start: () => undefined, end: () => undefined, asyncStart: () => undefined, asyncEnd: () => undefined, error: (ctx: ConnectTraceContext) => errors.push(ctx) };
    connect.subscribe(handlers);
    try {
      const c = new Connection({ port: 17103, retry: false, lazyConnect: true });
      open.push(c);
      await expect(c.connect()).rejects.toThrow(/17103/);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ serverPort: 17103 });
    } finally {
      connect.unsubscribe(handlers);
    }
    void STANDALONE;
  });
});
