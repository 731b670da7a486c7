// A minimal RESP client on a raw socket, independent of every client under test: seeds the data the workloads read
// and records real server reply bytes for the decoder workload (8).
import { connect } from 'node:net';

/** RESP2 encoding of one command (strings/Buffers). */
export function encode(args) {
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Sends `commands` on a fresh connection and resolves with the raw reply bytes of exactly those commands. The end of
 * the stream is found with a trailing ECHO of a unique marker (its reply is cut off), so no parser is needed.
 * `hello3` switches the connection to RESP3 first (that reply is cut off too).
 */
export function rawReplies(port, commands, { hello3 = false, host = '127.0.0.1', timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const marker = `redwire-bench-end-${process.pid}-${Date.now()}`;
    const helloMarker = `${marker}-hello`;
    const tail = Buffer.from(`$${marker.length}\r\n${marker}\r\n`);
    const helloTail = Buffer.from(`$${helloMarker.length}\r\n${helloMarker}\r\n`);
    const socket = connect(port, host);
    const chunks = [];
    let size = 0;
    const timer = setTimeout(() => fail(new Error(`no complete reply from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.on('error', (e) => fail(new Error(`redis at ${host}:${port}: ${e.message} (is the bench topology up?)`)));
    socket.on('connect', () => {
      const out = [];
      if (hello3) out.push(encode(['HELLO', '3']), encode(['ECHO', helloMarker]));
      for (const c of commands) out.push(encode(c));
      out.push(encode(['ECHO', marker]));
      socket.write(Buffer.concat(out)); // no half-close: the server may drop unsent replies on EOF
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < tail.length) return;
      const all = Buffer.concat(chunks);
      if (!all.subarray(all.length - tail.length).equals(tail)) return;
      clearTimeout(timer);
      socket.destroy();
      let start = 0;
      if (hello3) {
        const at = all.indexOf(helloTail);
        start = at + helloTail.length;
      }
      resolve(all.subarray(start, all.length - tail.length));
    });
  });
}

/** Runs commands and fails on any error reply (a line starting with '-' at a reply boundary is good enough here). */
export async function runCommands(port, commands) {
  const bytes = await rawReplies(port, commands);
  if (bytes[0] === 0x2d || bytes.includes(Buffer.from('\r\n-ERR')) || bytes.includes(Buffer.from('\r\n-WRONGTYPE'))) {
    throw new Error(`seeding on port ${port} failed: ${bytes.subarray(0, 200).toString()}`);
  }
}
