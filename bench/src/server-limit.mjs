// The server's own limit line: redis-benchmark with 1 connection, unpipelined, -P 16 and -P 1000 (workload 3's
// shape), GET of an existing 100-byte value.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function rps(port, extra, n) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', '1', '-n', String(n), '-d', '100', '-t', 'set,get', '-q', ...extra];
  const { stdout } = await run('redis-benchmark', args, { timeout: 120_000 });
  const lines = stdout.split(/[\r\n]+/).filter((l) => l.startsWith('GET:'));
  const m = /GET:\s*([\d.]+) requests per second/.exec(lines.at(-1) ?? '');
  if (!m) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(-200)}`);
  return Number(m[1]);
}

export async function serverLimit(port, quick) {
  try {
    return {
      c1: await rps(port, [], quick ? 20_000 : 50_000),
      p16: await rps(port, ['-P', '16'], quick ? 300_000 : 1_000_000),
      p1000: await rps(port, ['-P', '1000'], quick ? 1_000_000 : 3_000_000),
    };
  } catch (e) {
    return { error: `redis-benchmark failed: ${e.message.split('\n')[0]}` };
  }
}
