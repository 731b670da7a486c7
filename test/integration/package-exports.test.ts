import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// The published shape of the package: a consumer outside the repo loads `redwire` through package.json "exports"
// from CommonJS and from ESM, gets the same public API, and TypeScript finds declarations for both builds.
// Needs the build (`npm test` builds first); builds once itself when dist/ is missing.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const NODE = process.execPath;

interface Conditions {
  import: { types: string; default: string };
  require: { types: string; default: string };
}
type Exports = { '.': Conditions; './package.json': string } & Record<string, Conditions | string>;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Exports;
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

/** What a consumer sees; printed as JSON by the child process. */
interface Probe {
  resolved: string;
  RedisError: string;
  ConfigError: string;
  parseServerError: string;
  configIsRedisError: boolean;
  name: string;
  code: string;
}

const probeBody = (load: string, resolve: string): string => `
${load}
const e = new m.ConfigError('probe');
const out = {
  resolved: ${resolve},
  RedisError: typeof m.RedisError,
  ConfigError: typeof m.ConfigError,
  parseServerError: typeof m.parseServerError,
  configIsRedisError: e instanceof m.RedisError && e instanceof Error,
  name: e.name,
  code: e.code,
};
console.log(JSON.stringify(out));
`;

/** The library integrations, each its own subpath with its library as an optional peer dependency. */
const INTEGRATION_SUBPATHS = [
  { subpath: './keyv', id: 'redwire/keyv', exportName: 'RedwireKeyvStore', peer: 'keyv' },
  { subpath: './nest/throttler', id: 'redwire/nest/throttler', exportName: 'RedisThrottlerStorage', peer: '@nestjs/throttler' },
  { subpath: './express-session', id: 'redwire/express-session', exportName: 'RedisSessionStore', peer: 'express-session' },
  { subpath: './bullmq', id: 'redwire/bullmq', exportName: 'createBullMQConnection', peer: 'bullmq' },
  { subpath: './nest/microservices', id: 'redwire/nest/microservices', exportName: 'RedisTransportServer', peer: '@nestjs/microservices' },
  { subpath: './socket.io', id: 'redwire/socket.io', exportName: 'createRedisAdapter', peer: '@socket.io/redis-adapter' },
  { subpath: './socket.io/streams', id: 'redwire/socket.io/streams', exportName: 'createRedisStreamsAdapter', peer: '@socket.io/redis-streams-adapter' },
] as const;

let consumer = '';

/** What the probe reports when the build at `resolved` exports the public errors. */
const publicErrorsFrom = (resolved: unknown): Record<keyof Probe, unknown> => ({
  resolved,
  RedisError: 'function',
  ConfigError: 'function',
  parseServerError: 'function',
  configIsRedisError: true,
  name: 'ConfigError',
  code: 'REDWIRE_ERR_CONFIG',
});

async function node(file: string): Promise<Probe> {
  const { stdout } = await run(NODE, [file], { cwd: consumer, timeout: 30_000 });
  return JSON.parse(stdout) as Probe;
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'esm', 'index.js')) || !existsSync(join(DIST, 'cjs', 'index.js'))) {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeout: 170_000 }).catch((error: { stdout?: string }) => {
      throw new Error(`dist/ is missing and \`npm run build\` failed:\n${error.stdout ?? ''}`);
    });
  }
  consumer = mkdtempSync(join(tmpdir(), 'redwire-package-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(ROOT, join(consumer, 'node_modules', pkg.name), 'dir');
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 180_000);

afterAll(() => {
  if (consumer !== '') rmSync(consumer, { recursive: true, force: true });
});

describe('package exports', () => {
  it('require("redwire") loads the CommonJS build with the public errors', async () => {
    writeFileSync(
      join(consumer, 'probe.cjs'),
      probeBody(`const m = require('redwire');`, `require.resolve('redwire')`),
    );
    const probe = await node('probe.cjs');
    expect(probe).toEqual(publicErrorsFrom(expect.stringMatching(/dist[\\/]cjs[\\/]index\.js$/)));
  });

  it('import("redwire") loads the ESM build with the same public errors', async () => {
    writeFileSync(
      join(consumer, 'probe.mjs'),
      probeBody(`const m = await import('redwire');`, `import.meta.resolve('redwire')`),
    );
    const probe = await node('probe.mjs');
    expect(probe).toEqual(publicErrorsFrom(expect.stringMatching(/dist\/esm\/index\.js$/)));
  });

  it('points every "exports" target at a file the build produced', () => {
    const targets = Object.values(pkg.exports['.']).flatMap((condition) => [condition.types, condition.default]);
    expect(targets).toHaveLength(4);
    for (const target of targets) {
      expect({ target, exists: existsSync(join(ROOT, target)) }).toEqual({ target, exists: true });
    }
    // Each build folder says how Node must load its .js files (package "type" is module for the whole repo).
    expect(JSON.parse(readFileSync(join(DIST, 'cjs', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(JSON.parse(readFileSync(join(DIST, 'esm', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it('gives TypeScript consumers declarations through both the import and the require condition', async () => {
    // .mts resolves with the "import" condition, .cts with "require"; the bad assignment proves types are real.
    const source = (load: string): string =>
      `${load}\nconst e: InstanceType<typeof RedisError> = new ConfigError('x');\nconst n: number = e.code;\nexport { n };\n`;
    writeFileSync(join(consumer, 'esm.mts'), source(`import { ConfigError, RedisError } from 'redwire';`));
    writeFileSync(join(consumer, 'cjs.cts'), source(`import { ConfigError, RedisError } from 'redwire';`));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        // Our declarations mention Buffer and node:tls, so a consumer has @types/node (borrowed from the repo).
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['esm.mts', 'cjs.cts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(NODE, [tsc, '-p', consumer, '--listFiles'], { cwd: consumer, timeout: 60_000 }).then(
      () => ({ stdout: '', ok: true }),
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '', ok: false }),
    );
    // Exactly the two deliberate errors (string is not number), one per file: everything else type-checks.
    const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(result.ok).toBe(false);
    expect(errors).toEqual([
      expect.stringMatching(/^cjs\.cts\(3,7\): error TS2322/),
      expect.stringMatching(/^esm\.mts\(3,7\): error TS2322/),
    ]);
    expect(result.stdout).toMatch(/dist\/esm\/index\.d\.ts$/m);
    expect(result.stdout).toMatch(/dist\/cjs\/index\.d\.ts$/m);
  });

  it('points the "exports" target of every subpath at a file the build produced', () => {
    const subpaths = Object.entries(pkg.exports).filter((entry): entry is [string, Conditions] => typeof entry[1] !== 'string');
    expect(subpaths.map(([name]) => name)).toEqual(expect.arrayContaining(['.', ...INTEGRATION_SUBPATHS.map((s) => s.subpath)]));
    for (const [name, conditions] of subpaths) {
      for (const target of [conditions.import.types, conditions.import.default, conditions.require.types, conditions.require.default]) {
        expect({ name, target, exists: existsSync(join(ROOT, target)) }).toEqual({ name, target, exists: true });
      }
    }
  });

  it.each(INTEGRATION_SUBPATHS)('require() and import() of $id load the integration', async ({ id, exportName }) => {
    const probe = (load: string): string =>
      `${load}\nconsole.log(JSON.stringify({ type: typeof m[${JSON.stringify(exportName)}], name: m[${JSON.stringify(exportName)}]?.name }));\n`;
    writeFileSync(join(consumer, 'sub.cjs'), probe(`const m = require(${JSON.stringify(id)});`));
    writeFileSync(join(consumer, 'sub.mjs'), probe(`const m = await import(${JSON.stringify(id)});`));
    for (const file of ['sub.cjs', 'sub.mjs']) {
      const { stdout } = await run(NODE, ['--no-warnings', file], { cwd: consumer, timeout: 30_000 });
      expect({ file, ...(JSON.parse(stdout) as object) }).toEqual({ file, type: 'function', name: exportName });
    }
  });

  it.each(INTEGRATION_SUBPATHS)('$peer is an optional peer dependency, never a dependency', ({ peer }) => {
    expect(pkg.peerDependencies?.[peer]).toEqual(expect.any(String));
    expect(pkg.peerDependenciesMeta?.[peer]).toEqual({ optional: true });
    expect(pkg.dependencies?.[peer]).toBeUndefined();
  });

  it('ships the build in the npm package', () => {
    expect(pkg.files).toContain('dist');
  });
});
