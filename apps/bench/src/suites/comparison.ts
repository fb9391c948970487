// `pnpm bench comparison`: the table of what the chaos scenarios did to each producer, from the JSON that
// packages/kafkajs's chaos and comparison integration tests write. It measures nothing itself.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const COMPARISON_FILE = path.resolve(
  import.meta.dirname,
  '../../../.bench-results/kafkajs-comparison.json',
);

interface ComparisonRow {
  client: string;
  scenario: string;
  records: number;
  acked: number;
  duplicates: number;
  losses: number;
  reorders: number;
  errors: number;
  falseFailures?: number;
  unsettled?: number;
  seed?: number;
}

const CLIENT_ORDER = ['idem-kafkajs', 'kafkajs-idempotent', 'kafkajs'];
const SCENARIO_ORDER = ['ackLost', 'cut', 'delay', 'blackhole', 'random'];

export async function runComparisonSuite(options: { json: boolean; file?: string }): Promise<void> {
  const file = options.file ?? COMPARISON_FILE;
  let rows: ComparisonRow[];
  try {
    rows = (JSON.parse(await readFile(file, 'utf8')) as { rows: ComparisonRow[] }).rows;
  } catch (error) {
    throw new Error(
      `no comparison results at ${file} (${(error as Error).message}); produce them with ` +
        '`pnpm exec vitest run --project integration packages/kafkajs/test/chaos.int.test.ts packages/kafkajs/test/comparison.int.test.ts`',
    );
  }
  const rank = (list: string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);
  rows.sort(
    (a, b) =>
      rank(SCENARIO_ORDER, a.scenario) - rank(SCENARIO_ORDER, b.scenario) ||
      rank(CLIENT_ORDER, a.client) - rank(CLIENT_ORDER, b.client),
  );
  if (options.json) {
    for (const r of rows) {
      process.stdout.write(
        `${JSON.stringify({ suite: 'comparison', client: r.client, scenario: r.scenario, records: r.records, acked: r.acked, duplicates: r.duplicates, losses: r.losses, reorders: r.reorders, errors: r.errors })}\n`,
      );
    }
    return;
  }
  const header = ['scenario', 'client', 'records', 'acked', 'duplicates', 'losses', 'reorders', 'errors'];
  const widths = [10, 19, 8, 8, 10, 7, 8, 6];
  const line = (cells: (string | number)[]) =>
    cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of rows) {
    out.push(line([r.scenario, r.client, r.records, r.acked, r.duplicates, r.losses, r.reorders, r.errors]));
  }
  const seeds = [...new Set(rows.map((r) => r.seed).filter((s) => s !== undefined))];
  out.push(`source: ${file}${seeds.length > 0 ? `; seed ${seeds.join(', ')}` : ''}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
