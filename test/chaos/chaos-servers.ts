/**
 * The servers the chaos suite breaks: its own standalone redis-server (ports 6460-6469, started and stopped here,
 * AOF with fsync always so a restart loses nothing acknowledged), one-shot admin commands, and the shared chaos
 * topologies through test/scripts/topology.sh.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../lib/connection/connection.js';
import type { RedisArg, RespValue } from '../../lib/protocol/resp-value.js';
import { waitUntil } from '../support/wait-until.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one command on a fresh connection (no retry) and closes it. */
export async function admin(port: number, args: RedisArg[], options: { timeout?: number; db?: number } = {}): Promise<RespValue> {
  const conn = new Connection({ host: '127.0.0.1', port, lazyConnect: true, retry: false, connectTimeout: 2000, db: options.db ?? 0, protocol: 2 });
  conn.on('error', () => undefined);
  try {
    return await conn.sendCommand(args, { timeout: options.timeout ?? 10_000 });
  } finally {
    conn.destroy();
  }
}

// The chaos suites poll with the test kit's one helper (re-exported for them).
export { waitUntil };

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The first answer to an inline PING on a fresh socket: the reply line, or undefined when nothing accepted it. */
function pingOnce(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (line: string | undefined): void => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(1000, () => done(undefined));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      const end = reply.indexOf('\r\n');
      if (end >= 0) done(reply.slice(0, end));
    });
    socket.once('error', () => done(undefined));
  });
}

/**
 * Polls `port` with raw PINGs (no client, no handshake) every few ms until the server answers +PONG. Resolves with
 * how long it answered -LOADING before that (0: never seen). Start it before the server process so the first answer
 * is caught; throws when nothing answers within `deadlineMs`.
 */
export async function loadingWindowMs(port: number, deadlineMs = 60_000): Promise<number> {
  let firstLoadingAt: number | undefined;
  await waitUntil(`a PONG from ${port}`, async () => {
    const line = await pingOnce(port);
    if (line?.startsWith('-LOADING') === true) firstLoadingAt ??= Date.now();
    return line === '+PONG';
  }, deadlineMs, 2);
  return firstLoadingAt === undefined ? 0 : Date.now() - firstLoadingAt;
}

/** A redis-server child process owned by the suite. */
export class OwnedRedis {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), `redwire-chaos-${port}-`));
  }

  get pid(): number {
    const pid = this.#child?.pid;
    if (pid === undefined) throw new Error('chaos: server not running');
    return pid;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'always', '--enable-debug-command', 'yes', '--maxclients', '10000', '--loglevel', 'warning',
      '--protected-mode', 'no',
    ], { stdio: 'ignore' });
    this.#child = child;
    await waitUntil(`redis-server on ${this.port} to listen`, () => portOpen(this.port), 30_000, 50);
  }

  signal(sig: NodeJS.Signals): void {
    process.kill(this.pid, sig);
  }

  /** SIGTERM (AOF fsynced) and wait for the exit. */
  async stop(sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill(sig);
    await exited;
    this.#child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `bash test/scripts/topology.sh <args>`; returns stdout. */
export function topology(...args: string[]): string {
  return execFileSync('bash', ['test/scripts/topology.sh', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

/** pid of the redis-server listening on `port` (from its INFO). */
export async function pidOf(port: number): Promise<number> {
  const info = String(await admin(port, ['INFO', 'server']));
  const match = /process_id:(\d+)/.exec(info);
  if (match === null) throw new Error(`chaos: no process_id in INFO of ${port}`);
  return Number(match[1]);
}

export function infoField(info: RespValue, field: string): string | undefined {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(String(info));
  return match?.[1]?.trim();
}
