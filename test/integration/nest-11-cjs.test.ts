// Nest 11 is CommonJS: this installs Nest 11 (core, Terminus, microservices) and ioredis (for Nest's built-in Redis
// transport) from the npm registry into a temp folder, compiles redwire's CJS build there, and runs small apps on it
// against the standalone test server: the module with health, and the microservice transport.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HOST, requireTopology, STANDALONE } from '../support/topology.js';

const run = promisify(execFile);
const repo = resolve('.');
const dir = join(process.env.TMPDIR ?? tmpdir(), 'redwire-nest11-compat');
const PACKAGES = [
  '@nestjs/common@^11', '@nestjs/core@^11', '@nestjs/terminus@^11', '@nestjs/microservices@^11', 'ioredis@^5',
  'reflect-metadata@^0.2', 'rxjs@^7.8',
];

/** Major version of an installed package in the temp folder, undefined when missing. */
function installedMajor(name: string): number | undefined {
  const file = join(dir, 'node_modules', ...name.split('/'), 'package.json');
  if (!existsSync(file)) return undefined;
  return Number((JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version.split('.')[0]);
}
const installed = (): boolean =>
  installedMajor('@nestjs/core') === 11 && installedMajor('@nestjs/microservices') === 11 && installedMajor('ioredis') === 5;

function runApp(file: string): Promise<{ stdout: string }> {
  return run(process.execPath, [join(dir, file)], {
    cwd: dir,
    env: { ...process.env, REDIS_URL: `redis://${HOST}:${STANDALONE.port}` },
    timeout: 60_000,
  });
}

describe('redwire/nest on Nest 11 (CommonJS)', () => {
  beforeAll(async () => {
    await requireTopology('standalone');
    mkdirSync(dir, { recursive: true });
    if (!installed()) {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'redwire-nest11-compat', private: true }));
      const deps = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
      const own = Object.entries(deps).map(([name, range]) => `${name}@${range}`);
      await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...PACKAGES, ...own], {
        cwd: dir,
        timeout: 240_000,
      });
    }
    // redwire as an installed package: its package.json and a fresh CJS build of lib/.
    const pkg = join(dir, 'node_modules', 'redwire');
    mkdirSync(join(pkg, 'dist', 'cjs'), { recursive: true });
    copyFileSync(join(repo, 'package.json'), join(pkg, 'package.json'));
    await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repo, 'tsconfig.build.cjs.json'),
      '--outDir', join(pkg, 'dist', 'cjs'), '--declaration', 'false'], { cwd: repo, timeout: 240_000 });
    writeFileSync(join(pkg, 'dist', 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    copyFileSync(join(repo, 'test', 'integration', 'fixtures', 'nest-11-app.cjs'), join(dir, 'app.cjs'));
    copyFileSync(join(repo, 'test', 'integration', 'fixtures', 'nest-11-microservices.cjs'), join(dir, 'microservices.cjs'));
  }, 300_000);

  it('boots, runs commands, reports health up and shuts down cleanly', async () => {
    const { stdout } = await runApp('app.cjs');
    const result = JSON.parse(stdout.trim()) as { nest: string; value: string; health: string; redis: string };
    expect(result.nest).toMatch(/^11\./);
    expect(result).toMatchObject({ value: 'cjs', health: 'ok', redis: 'up' });
  }, 90_000);

  it('runs the microservice transport: requests and events with redwire and built-in services and clients', async () => {
    const { stdout } = await runApp('microservices.cjs');
    const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(result.nest).toMatch(/^11\./);
    expect(result).toMatchObject({
      redwireToRedwire: 6,
      builtinToRedwire: 9,
      redwireToBuiltin: 'builtin:13',
      unanswered: 'TimeoutError',
      events: ['builtin', 'redwire'],
    });
  }, 90_000);
});
