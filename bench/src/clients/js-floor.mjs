// Not a client: the floor of workload 3 in JavaScript. One socket; the 1,000 GETs encoded once and written as one
// Buffer; the replies decoded by redwire's RespDecoder (strings made, as any client must) into a plain array. No
// command objects, no per-call encoding, no per-command bookkeeping. What it reaches at a moment is what any
// JavaScript client could reach on this machine at that moment; redwire ÷ floor is the cost of being a client.
import { connect } from 'node:net';
import { once } from 'node:events';
import { encode } from '../raw-redis.mjs';
import { loadRedwire } from './redwire.mjs';

// The batch being awaited; the handlers below are of fixed identity (see worker.mjs on decoder handlers).
let batch = { values: [], left: 0, resolve: () => {}, reject: () => {} };
const HANDLERS = {
  onReply(value) {
    const b = batch;
    b.values[b.values.length - b.left] = value;
    if (--b.left === 0) b.resolve(b.values);
  },
  onErrorReply(error) {
    batch.reject(error);
  },
  onPush() {},
};

export async function createStandalone({ port }) {
  const { RespDecoder } = await loadRedwire();
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await once(socket, 'connect');
  const decoder = new RespDecoder(HANDLERS);
  socket.on('data', (chunk) => decoder.feed(chunk));
  const encoded = new Map();
  return {
    pipelineGet(key, n) {
      let bytes = encoded.get(`${key}|${n}`);
      if (bytes === undefined) {
        bytes = Buffer.concat(Array.from({ length: n }, () => encode(['GET', key])));
        encoded.set(`${key}|${n}`, bytes);
      }
      return new Promise((resolve, reject) => {
        batch = { values: new Array(n), left: n, resolve, reject };
        socket.write(bytes);
      });
    },
    async close() {
      socket.end();
      await once(socket, 'close');
    },
  };
}
