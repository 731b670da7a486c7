/**
 * A version gate for integration tests that need a newer redis-server than the one running. Never silent: a skipped
 * suite says in its title and on the console which version it needs and which one answered; with
 * REDWIRE_REQUIRE_SERVER_VERSION=1 (for a CI that runs the newer server) the gate fails the suite instead.
 */
import { Connection } from '../../lib/connection/connection.js';
import { HOST } from './topology.js';

/** `redis_version` from INFO of the server on `port` (fails naming the start command when nothing answers). */
export async function serverVersion(port: number, host: string = HOST): Promise<string> {
  const conn = new Connection({ host, port, lazyConnect: true, retry: false, connectTimeout: 2000, protocol: 2 });
  conn.on('error', () => undefined);
  try {
    const info = String(await conn.sendCommand(['INFO', 'server'], { timeout: 5000 }));
    const version = /^redis_version:(.+)$/m.exec(info)?.[1]?.trim();
    if (version === undefined) throw new Error(`no redis_version in INFO server of ${host}:${port}`);
    return version;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`version gate: could not read the server version on ${host}:${port} (${why}). Start the topology: npm run topology:up`, { cause: error });
  } finally {
    conn.destroy();
  }
}

/** `actual >= required`, comparing dotted numbers ('7.2' needs 7.2.0 or later). */
export function versionAtLeast(actual: string, required: string): boolean {
  const a = actual.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const r = required.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, r.length); i++) {
    const x = a[i] ?? 0;
    const y = r[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** What `describe` does when the gate is open; the closed gate's stand-in has the same call shape. */
export type GatedDescribe = (name: string, fn: () => void) => void;

/**
 * Use at the top of a test file: `const describeOn72 = await requireServerVersion(STANDALONE.port, '7.2');` then
 * `describeOn72('WAITAOF', () => { ... })`. Returns `describe` when the server is new enough; otherwise a
 * `describe.skip` whose title names the required and the running version (also printed), or — with
 * REDWIRE_REQUIRE_SERVER_VERSION=1 — throws, failing the suite.
 */
export async function requireServerVersion(port: number, required: string, host: string = HOST): Promise<GatedDescribe> {
  const actual = await serverVersion(port, host);
  if (versionAtLeast(actual, required)) return describe;
  const reason = `needs Redis >= ${required}, ${host}:${port} runs ${actual}`;
  if (process.env.REDWIRE_REQUIRE_SERVER_VERSION === '1') {
    throw new Error(`version gate: this suite ${reason} (REDWIRE_REQUIRE_SERVER_VERSION=1 makes that a failure)`);
  }
  // Straight to stderr: Jest drops the console output of a file whose tests are all skipped.
  process.stderr.write(`[version gate] skipping a suite that ${reason}\n`);
  return (name, fn) => describe.skip(`${name} [skipped: ${reason}]`, fn);
}
