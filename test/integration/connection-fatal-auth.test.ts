/**
 * After a fatal authentication failure the connection stops (retrying the same credentials cannot help); a command
 * sent then gets an error that says why and what brings the connection back, not a generic "closed".
 */
import { Connection } from '../../lib/connection/connection.js';
import { createClient } from '../../lib/create-client.js';
import type { RedisClient } from '../../lib/client/redis-client.js';
import { AuthenticationError } from '../../lib/errors/index.js';
import { STANDALONE_ACL, requireTopology } from '../support/topology.js';

beforeAll(() => requireTopology('standalone'));

describe('after a fatal authentication failure', () => {
  it('a Connection: the next command is an AuthenticationError naming the cause and the way back', async () => {
    const c = new Connection({ host: STANDALONE_ACL.host, port: STANDALONE_ACL.port, username: 'app', password: 'wrong-pw-x' });
    await expect(c.connect()).rejects.toBeInstanceOf(AuthenticationError);
    const error = await c.sendCommand(['PING']).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error?.message).toMatch(/stopped after a fatal authentication failure/);
    expect(error?.message).toMatch(/fix username\/password.*connect\(\)/s);
    expect(error?.message).not.toMatch(/Create a new connection/);
    expect(error?.message).not.toContain('wrong-pw-x');
    expect((error as AuthenticationError).cause).toBeInstanceOf(AuthenticationError);
    c.destroy();
  });

  it('a client: commands right after the failure say why; the client tries again on a later command', async () => {
    const redis = createClient({ host: STANDALONE_ACL.host, port: STANDALONE_ACL.port, username: 'app', password: 'wrong-pw-y' }) as RedisClient;
    const first = await redis.ping().then(() => undefined, (e: Error) => e);
    const second = await redis.ping().then(() => undefined, (e: Error) => e);
    for (const e of [first, second]) {
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e?.message).not.toMatch(/Create a new connection/);
      expect(e?.message).not.toContain('wrong-pw-y');
    }
    await redis.disconnect();
  });
});
