// Node module hooks that run the repo's TypeScript sources directly in a child process (`node --import
// ./test/support/swc-register.mjs file.ts`), compiled by @swc/core as Jest compiles them (legacy decorators with
// metadata), for code that needs Node's own module loader (e.g. CommonJS packages requiring ESM-only Nest 12).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';
import { SWC_OPTIONS } from './swc-options.mjs';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    // Sources import './x.js' for './x.ts' (NodeNext style).
    if (specifier.endsWith('.js') && /^(\.|\/|file:)/.test(specifier)) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = transformSync(await readFile(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  return { format: 'module', source: code, shortCircuit: true };
}
