import { allKeys, read, write, type CommandSpec } from './command-spec.js';

/** MULTI/EXEC/WATCH: no typed methods here (the client's `multi()` and `watch()` own them), rows for routing. */
export const transactionCommandSpecs: CommandSpec[] = [
  write('MULTI'),
  write('EXEC'),
  write('DISCARD'),
  read('WATCH', allKeys),
  read('UNWATCH'),
];
