import type { Connection } from '../../lib/connection/connection.js';
import type { RespValue } from '../../lib/protocol/resp-value.js';
import { useStandaloneConnections } from '../support/standalone-connections.js';

const connection = useStandaloneConnections();
async function connected(protocol: 2 | 3, pushBuffers = false): Promise<Connection> {
  const c = connection({ protocol, pushBuffers });
  await c.connect();
  return c;
}

function nextPush(c: Connection, kind: string): Promise<RespValue[]> {
  return new Promise((resolve) => {
    const listener = (push: RespValue[]): void => {
      if (String(push[0]) === kind) {
        c.off('push', listener);
        resolve(push);
      }
    };
    c.on('push', listener);
  });
}

describe.each([2, 3] as const)('pub/sub bookkeeping (RESP%i)', (protocol) => {
  it('confirms subscriptions as pushes, counts them, delivers messages as pushes, and unsubscribes', async () => {
    const sub = await connected(protocol);
    const pub = await connected(3);
    const ch = `conn:ps:${protocol}:${process.pid}`;
    const pushes: RespValue[][] = [];
    sub.on('push', (p: RespValue[]) => pushes.push(p));

    await sub.sendCommand(['SUBSCRIBE', `${ch}:a`, `${ch}:b`]);
    expect(sub.subscriptions).toBe(2);
    await sub.sendCommand(['PSUBSCRIBE', `${ch}:*`]);
    expect(sub.subscriptions).toBe(3);
    expect(pushes.map((p) => p[0])).toEqual(['subscribe', 'subscribe', 'psubscribe']);

    const message = nextPush(sub, 'message');
    const pmessage = nextPush(sub, 'pmessage');
    expect(await pub.sendCommand(['PUBLISH', `${ch}:a`, 'hello'])).toBe(2);
    expect(await message).toEqual(['message', `${ch}:a`, 'hello']);
    expect(await pmessage).toEqual(['pmessage', `${ch}:*`, `${ch}:a`, 'hello']);

    // PING still works while subscribed (its reply is not a pub/sub frame).
    expect(await sub.sendCommand(['PING'])).toEqual(protocol === 2 ? ['pong', ''] : 'PONG');

    await sub.sendCommand(['UNSUBSCRIBE']);
    expect(sub.subscriptions).toBe(1);
    await sub.sendCommand(['PUNSUBSCRIBE', `${ch}:*`]);
    expect(sub.subscriptions).toBe(0);
    // Back to normal: ordinary replies flow again.
    expect(await sub.sendCommand(['ECHO', 'normal'])).toBe('normal');
  });

  it('an argless UNSUBSCRIBE with nothing subscribed resolves', async () => {
    const c = await connected(protocol);
    await c.sendCommand(['UNSUBSCRIBE']);
    expect(c.subscriptions).toBe(0);
    expect(await c.sendCommand(['ECHO', 'ok'])).toBe('ok');
  });
});

describe.each([2, 3] as const)('pushBuffers (RESP%i)', (protocol) => {
  it('delivers a payload that is not valid UTF-8 byte for byte, with the bookkeeping intact', async () => {
    const sub = await connected(protocol, true);
    const pub = await connected(3);
    const ch = `conn:ps:bin:${protocol}:${process.pid}`;
    const payload = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    await sub.sendCommand(['SUBSCRIBE', ch]);
    await sub.sendCommand(['PSUBSCRIBE', `${ch}*`]);
    expect(sub.subscriptions).toBe(2);

    const message = nextPush(sub, 'message');
    const pmessage = nextPush(sub, 'pmessage');
    expect(await pub.sendCommand(['PUBLISH', ch, payload])).toBe(2);
    const [kind, channel, body] = await message;
    expect(Buffer.isBuffer(kind) && Buffer.isBuffer(channel) && Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).equals(payload)).toBe(true);
    expect(String(channel)).toBe(ch);
    expect(((await pmessage)[3] as Buffer).equals(payload)).toBe(true);

    await sub.sendCommand(['UNSUBSCRIBE', ch]);
    await sub.sendCommand(['PUNSUBSCRIBE']);
    expect(sub.subscriptions).toBe(0);
    // Out of subscriber mode, ordinary replies are strings again.
    expect(await sub.sendCommand(['ECHO', 'normal'])).toBe('normal');
  });
});
