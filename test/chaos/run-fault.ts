/** Runs one fault under load: warm-up, inject, wait for recovery, steady state, stop, verify acknowledged writes. */
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadGenerator, Tally } from './load.js';
import { formatAckReport, formatReport, type AckRow, type FaultResult } from './report.js';
import { sleep } from './chaos-servers.js';

export interface FaultSpec {
  name: string;
  /** Breaks something and (unless the topology heals itself) restores it. */
  inject: () => Promise<void>;
  /** Losses are expected from async replication (failovers). */
  asyncReplication?: boolean;
  /** ms of load before the fault; default 1000. */
  warmMs?: number;
  /** ms of load after recovery; default 1500. */
  steadyMs?: number;
  /** How long recovery may take; default 30000. */
  recoverMs?: number;
}

/** The load never succeeded again within `recoverMs` after the fault: the run fails; its tally is kept for the report. */
export class FaultNotRecoveredError extends Error {
  constructor(readonly fault: string, readonly recoverMs: number, readonly tally: Tally) {
    super(`chaos: the client did not recover from '${fault}' within ${recoverMs} ms (no command succeeded again)`);
    this.name = 'FaultNotRecoveredError';
  }
}

/** Throws FaultNotRecoveredError (after stopping the load and verifying it) when the client does not recover. */
export async function runFault(gen: LoadGenerator, spec: FaultSpec): Promise<Tally> {
  gen.beginWindow(spec.name);
  gen.start();
  const recoverMs = spec.recoverMs ?? 30_000;
  let recovered: boolean;
  try {
    await sleep(spec.warmMs ?? 1000);
    gen.markFault();
    await spec.inject();
    recovered = await gen.waitHealthy(recoverMs);
    if (recovered) await sleep(spec.steadyMs ?? 1500);
  } finally {
    await gen.stop();
  }
  const tally = gen.tally;
  await gen.verify(tally, spec.asyncReplication === true);
  if (!recovered) {
    tally.failed['did not recover'] = 1;
    throw new FaultNotRecoveredError(spec.name, recoverMs, tally);
  }
  return tally;
}

export const REPORT_FILE = join(tmpdir(), 'redwire-chaos-report.txt');

/** Prints the table (stdout and REPORT_FILE, appended). */
export function printReport(title: string, results: readonly FaultResult[]): void {
  const text = `\n== ${title} ==\n${formatReport(results)}\n`;
  process.stdout.write(text);
  appendFileSync(REPORT_FILE, text);
}

/** Prints the per-acknowledgement table (stdout and REPORT_FILE, appended). */
export function printAckReport(title: string, rows: readonly AckRow[]): void {
  const text = `\n== ${title} ==\n${formatAckReport(rows)}\n`;
  process.stdout.write(text);
  appendFileSync(REPORT_FILE, text);
}
