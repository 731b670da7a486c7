import type { CommandSpec } from './command-spec.js';
import { stringCommandSpecs } from './string-commands.js';
import { keyCommandSpecs } from './key-commands.js';
import { hashCommandSpecs } from './hash-commands.js';
import { listCommandSpecs } from './list-commands.js';
import { setCommandSpecs } from './set-commands.js';
import { sortedSetCommandSpecs } from './sorted-set-commands.js';
import { streamCommandSpecs } from './stream-commands.js';
import { hyperLogLogCommandSpecs } from './hyperloglog-commands.js';
import { bitmapCommandSpecs } from './bitmap-commands.js';
import { geoCommandSpecs } from './geo-commands.js';
import { scriptingCommandSpecs } from './scripting-commands.js';
import { serverCommandSpecs } from './server-commands.js';
import { connectionCommandSpecs } from './connection-commands.js';
import { pubSubCommandSpecs } from './pubsub-commands.js';
import { transactionCommandSpecs } from './transaction-command-specs.js';

/** Every family's rows, in one list (the table is built from it in command-table.ts). */
export const allCommandSpecs: readonly CommandSpec[] = [
  ...stringCommandSpecs,
  ...keyCommandSpecs,
  ...hashCommandSpecs,
  ...listCommandSpecs,
  ...setCommandSpecs,
  ...sortedSetCommandSpecs,
  ...streamCommandSpecs,
  ...hyperLogLogCommandSpecs,
  ...bitmapCommandSpecs,
  ...geoCommandSpecs,
  ...scriptingCommandSpecs,
  ...serverCommandSpecs,
  ...connectionCommandSpecs,
  ...pubSubCommandSpecs,
  ...transactionCommandSpecs,
];
