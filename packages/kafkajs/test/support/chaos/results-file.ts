// The comparison JSON at the repo root (.bench-results/kafkajs-comparison.json, gitignored): one row per client and
// scenario, merged across runs so the chaos suite (idem) and the comparison runs (kafkajs) fill one table.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChaosRunResult } from './run-scenario.js';

export const COMPARISON_FILE = path.resolve(
  import.meta.dirname,
  '../../../../../.bench-results/kafkajs-comparison.json',
);

export interface ComparisonRow {
  readonly client: string;
  readonly scenario: string;
  readonly records: number;
  readonly acked: number;
  readonly duplicates: number;
  readonly losses: number;
  readonly reorders: number;
  readonly errors: number;
  readonly falseFailures: number;
  readonly unsettled: number;
  readonly faults: Record<string, number>;
  readonly elapsedMs: number;
  readonly seed: number;
  readonly at: string;
}

export function toRow(result: ChaosRunResult, seed: number): ComparisonRow {
  const v = result.verdict;
  return {
    client: result.client,
    scenario: result.scenario,
    records: v.records,
    acked: v.acked,
    duplicates: v.duplicates,
    losses: v.losses,
    reorders: v.reorders,
    errors: v.failed,
    falseFailures: v.falseFailures,
    unsettled: v.unsettled,
    faults: result.faults,
    elapsedMs: Math.round(result.elapsedMs),
    seed,
    at: new Date().toISOString(),
  };
}

/** Replaces the rows of the same client and scenario, keeps the others. */
export async function recordRows(rows: readonly ComparisonRow[], file = COMPARISON_FILE): Promise<void> {
  let existing: ComparisonRow[] = [];
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { rows?: ComparisonRow[] };
    existing = Array.isArray(parsed.rows) ? parsed.rows : [];
  } catch {
    // No file yet (or a broken one): start over.
  }
  const key = (r: ComparisonRow) => `${r.client}\u0000${r.scenario}`;
  const replaced = new Set(rows.map(key));
  const merged = [...existing.filter((r) => !replaced.has(key(r))), ...rows];
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ rows: merged }, null, 2)}\n`);
  await rename(tmp, file);
}
