/**
 * scripts/demo.sh on a machine without redis-server: it installs it the way .ci/run does (apt-get, as root or
 * through sudo) or prints the command to run. Runs the script with a PATH of symlinks that hides redis-server and
 * replaces apt-get (and sudo) with recorders, so nothing is installed or removed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A PATH directory with every command of the current PATH except `hide`, plus the given fake scripts. */
function fakePath(hide: readonly string[], fakes: Record<string, string>): { bin: string; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'redwire-demo-path-'));
  dirs.push(bin);
  const log = join(bin, 'calls.log');
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (hide.includes(name) || name in fakes || existsSync(join(bin, name))) continue;
      try {
        if (statSync(join(dir, name)).isFile()) symlinkSync(join(dir, name), join(bin, name));
      } catch {
        // broken links, unreadable entries: not needed
      }
    }
  }
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body.replaceAll('$LOG', log)}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, log };
}

function demo(bin: string, env: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync('bash', [join(ROOT, 'scripts/demo.sh')], {
    cwd: ROOT,
    env: { ...process.env, PATH: bin, DEMO_PORT: '3999', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const RECORD = `echo "$(basename "$0") $*" >> "$LOG"`;
const asRoot = process.getuid?.() === 0;

describe('scripts/demo.sh without redis-server', () => {
  it('reaches the apt-get install step (as root, or through sudo)', () => {
    const fakes: Record<string, string> = { 'apt-get': `${RECORD}\nexit 0` };
    // Not root: the script goes through sudo, which the fake runs without asking.
    if (!asRoot) fakes.sudo = `${RECORD}\nexec "$@"`;
    const { bin, log } = fakePath(['redis-server'], fakes);
    const { status, output } = demo(bin);
    expect(output).toContain('Installing redis-server');
    const calls = readFileSync(log, 'utf8');
    expect(calls).toContain('apt-get update -qq');
    expect(calls).toContain('apt-get install -y -qq redis-server');
    // The recorder installed nothing, so the script stops and says so instead of failing later.
    expect(status).toBe(1);
    expect(output).toMatch(/still not on PATH/);
  });

  it('prints the exact command and exits 1 when it may not install (DEMO_NO_INSTALL=1)', () => {
    const { bin, log } = fakePath(['redis-server', 'redis-cli'], { 'apt-get': `${RECORD}\nexit 0` });
    const { status, output } = demo(bin, { DEMO_NO_INSTALL: '1' });
    expect(status).toBe(1);
    expect(output).toContain('missing redis-server redis-tools (DEMO_NO_INSTALL=1)');
    expect(output).toContain('apt-get update && apt-get install -y redis-server redis-tools');
    expect(existsSync(log)).toBe(false);
  });

  it('without apt-get, says what to install and exits 1', () => {
    const { bin } = fakePath(['redis-server', 'apt-get', 'brew', 'dnf'], {});
    const { status, output } = demo(bin);
    expect(status).toBe(1);
    expect(output).toMatch(/missing redis-server \(no apt-get\)/);
    expect(output).toMatch(/install Redis >= 7 \(redis-server and redis-cli\)/);
  });
});
