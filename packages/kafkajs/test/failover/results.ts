// Failover rows in the comparison JSON that `pnpm bench comparison` reads (merged with the chaos suite's rows),
// plus each partition's longest stall.
import { type ComparisonRow, recordRows } from '../support/chaos/results-file.js';
import type { FailoverResult } from './run-failover.js';

export interface FailoverRow extends ComparisonRow {
  readonly maxStallMs: number;
  readonly stalls: FailoverResult['stalls'];
}

export function toFailoverRow(result: FailoverResult, full: boolean): FailoverRow {
  const v = result.verdict;
  return {
    client: result.client,
    scenario: `failover-${result.scenario}${full ? '' : '-ci'}`,
    records: v.records,
    acked: v.acked,
    duplicates: v.duplicates,
    losses: v.losses,
    reorders: v.reorders,
    errors: v.failed,
    falseFailures: v.falseFailures,
    unsettled: v.unsettled,
    faults: Object.fromEntries(result.events.map((e, i) => [`${e.kind}#${i + 1}`, e.node])),
    elapsedMs: Math.round(result.elapsedMs),
    seed: 0,
    at: new Date().toISOString(),
    maxStallMs: Math.max(0, ...result.stalls.map((s) => s.stallMs)),
    stalls: result.stalls,
  };
}

export function summary(row: FailoverRow): string {
  const per = row.stalls
    .map((s) => `p${s.partition}=${s.stallMs}ms${s.resumed ? '' : '(never resumed)'}`)
    .join(' ');
  return (
    `${row.scenario} ${row.client}: ${row.records} sent, dup ${row.duplicates}, loss ${row.losses}, ` +
    `reorder ${row.reorders}, failed ${row.errors}, unsettled ${row.unsettled}, max stall ${row.maxStallMs} ms [${per}]`
  );
}

export { recordRows };
