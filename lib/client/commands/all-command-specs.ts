import type { CommandSpec } from './command-spec.js';
import { stringCommandSpecs } from './string-commands.js';
import { keyCommandSpecs } from './key-commands.js';
import { hashCommandSpecs } from './hash-commands.js';
import { listCommandSpecs } from './list-commands.js';
import { setCommandSpecs } from './set-commands.js';

/** Every family's rows, in one list (the table is built from it in command-table.ts). */
export const allCommandSpecs: readonly CommandSpec[] = [
  ...stringCommandSpecs,
  ...keyCommandSpecs,
  ...hashCommandSpecs,
  ...listCommandSpecs,
  ...setCommandSpecs,
];
