/** The chaos report: one line per fault, and the verdict (any hung or misdelivered command fails the run). */
import type { AckTally } from './ack-writers.js';
import type { Tally } from './load.js';

export interface FaultResult {
  topology: string;
  tally: Tally;
  /** Set when the fault itself could not be run (setup failed); the line is reported, not hidden. */
  note?: string;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatReport(results: readonly FaultResult[]): string {
  const header = ['topology', 'fault', 'sent', 'ok', 'failed by class', 'hung', 'misdel', 'late', 'recovery ms', 'lost acked', 'lost async'];
  const rows = results.map(({ topology, tally, note }) => [
    topology,
    tally.name,
    String(tally.sent),
    String(tally.ok),
    Object.entries(tally.failed).map(([k, v]) => `${k}:${v}`).join(' ') || '-',
    String(tally.hung),
    String(tally.misdelivered),
    String(tally.late),
    tally.recoveryMs === undefined ? (tally.firstFailureAt === undefined ? '0' : 'never') : String(tally.recoveryMs),
    String(tally.lostAcked),
    String(tally.lostAsync) + (note !== undefined ? `  (${note})` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === rows[0]!.length - 1 ? 0 : r[i]!.length))));
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i]!)).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
  for (const { tally } of results) {
    for (const m of tally.misdeliveries) out.push(`  misdelivered in ${tally.name}: ${m}`);
    for (const h of tally.hangs) {
      const start = h.startedAfterFaultMs === undefined ? 'before any fault' : `${h.startedAfterFaultMs} ms after the fault`;
      const end = h.settledAfterMs === undefined ? 'still pending' : `settled after ${h.settledAfterMs} ms: ${h.outcome}`;
      out.push(`  hung in ${tally.name}: ${h.op} started ${start}, ${end}`);
    }
  }
  return out.join('\n');
}

/** True when the run must fail: any hung or misdelivered command. */
export function hasViolations(results: readonly FaultResult[]): boolean {
  return results.some(({ tally }) => tally.hung > 0 || tally.misdelivered > 0);
}

/** One client under one fault, counted per acknowledgement (the Sentinel rows of issue 14): an AckWriters tally. */
export type AckRow = AckTally;

export function formatAckReport(rows: readonly AckRow[]): string {
  const header = ['fault', 'client', 'sent', 'acked', 'failed by class', 'hung', 'acked but lost', 'longest write stall ms'];
  const cells = rows.map((r) => [
    r.fault,
    r.client,
    String(r.sent),
    String(r.acked),
    Object.entries(r.failed).map(([k, v]) => `${k}:${v}`).join(' ') || '-',
    String(r.hung),
    String(r.lost),
    String(r.longestStallMs) + (r.note !== undefined ? `  (${r.note})` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((text, i) => pad(text, widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}
