import { AuthenticationError, NoPermissionError } from '../../lib/errors/index.js';
import { Connection } from '../../lib/connection/connection.js';
import type { ConnectionOptions } from '../../lib/connection/connection-options.js';
import { requireTopology, STANDALONE_ACL } from '../support/topology.js';

const open: Connection[] = [];
function connection(options: ConnectionOptions): Connection {
  const c = new Connection({ lazyConnect: true, host: STANDALONE_ACL.host, port: STANDALONE_ACL.port, ...options });
  open.push(c);
  return c;
}
const { app, reader } = STANDALONE_ACL.users;

beforeAll(async () => {
  await requireTopology('standalone');
});
afterAll(async () => {
  for (const c of open) c.destroy();
});

describe.each([3, 2] as const)('Connection authentication (RESP%i)', (protocol) => {
  it('authenticates an ACL user, sets the client name and selects the db', async () => {
    const c = connection({ ...app, protocol, clientName: `redwire-auth-${protocol}`, db: 2 });
    await c.connect();
    expect(c.protocol).toBe(protocol);
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('app');
    expect(await c.sendCommand(['CLIENT', 'GETNAME'])).toBe(`redwire-auth-${protocol}`);
    expect(c.db).toBe(2);
    expect(await c.sendCommand<string>(['CLIENT', 'INFO'])).toMatch(/ db=2 /);
  });

  it('authenticates with requirepass (password only)', async () => {
    const c = connection({ password: STANDALONE_ACL.defaultPassword, protocol });
    await c.connect();
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('default');
  });

  it('a wrong password is an AuthenticationError, stops without a retry loop and fails queued commands', async () => {
    const c = connection({ username: 'app', password: 'wrong-secret-value', protocol });
    let reconnects = 0;
    const errors: Error[] = [];
    c.on('reconnecting', () => reconnects++);
    c.on('error', (e: Error) => errors.push(e));
    const queued = c.sendCommand(['GET', 'k']);
    const failure = await queued.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(failure).toMatchObject({ command: 'GET', endpoint: '127.0.0.1:6392' });
    expect((failure as Error).message).not.toContain('wrong-secret-value');
    await expect(c.connect()).rejects.toBeInstanceOf(AuthenticationError);
    expect(reconnects).toBe(0);
    expect(c.status).toBe('closed');
    expect(errors.some((e) => e instanceof AuthenticationError)).toBe(true);
  });

  it('missing credentials on a protected server are an AuthenticationError', async () => {
    const c = connection({ protocol });
    await expect(c.connect()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("the 'reader' user writing gets NoPermissionError naming the command", async () => {
    const c = connection({ ...reader, protocol });
    await c.connect();
    expect(await c.sendCommand(['GET', 'conn:auth'])).toBeNull();
    const failure = await c.sendCommand(['SET', 'conn:auth', 'x']).then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(NoPermissionError);
    expect(failure).toMatchObject({ command: 'SET', endpoint: '127.0.0.1:6392' });
    // The connection is still usable and in sync.
    expect(await c.sendCommand(['PING'])).toBe('PONG');
  });

  it('calls the credentialProvider on every (re)connect', async () => {
    let calls = 0;
    const c = connection({
      protocol,
      credentialProvider: async () => {
        calls++;
        return { ...app };
      },
    });
    await c.connect();
    expect(calls).toBe(1);
    const id = await c.sendCommand<number>(['CLIENT', 'ID']);
    const admin = connection({ ...app });
    const ready = new Promise((resolve) => c.once('ready', resolve));
    await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    await ready;
    expect(calls).toBe(2);
    expect(await c.sendCommand(['ACL', 'WHOAMI'])).toBe('app');
  });
});
