import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type ChaosBroker,
  type ChaosClientName,
  type ChaosRow,
  runChaosMatrix,
  scenarioDescriptions,
} from '../chaos/matrix.js';
import { describeClusterTimings, describeFaultSteps } from '../chaos/fault-steps.js';
import { runStory } from '../demo/story.js';
import { renderReport } from '../report/html.js';
import { runCoreSuite } from './core.js';
import { printScene, storyRow } from './demo.js';

export function progressLine(text: string, done: number, total: number): void {
  if (process.stderr.isTTY) {
    const width = 24;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${text}\x1b[K`,
    );
    if (done === total) process.stderr.write('\n');
  } else process.stderr.write(`${done}/${total} ${text}\n`);
}

const cell = (r: ChaosRow) =>
  r.na !== undefined
    ? 'n/a'.padStart(4)
    : `${String(r.duplicates).padStart(4)}${String(r.losses).padStart(6)}${String(r.reorders).padStart(5)}${String(r.errors).padStart(5)}${String(r.unsettled).padStart(5)}`;

export function printMatrix(rows: readonly ChaosRow[]): void {
  const broker = rows[0]?.broker ?? 'memory';
  const where =
    broker === 'kafka'
      ? 'a real broker (through the fault proxy)'
      : broker === 'cluster'
        ? 'a real 3-node cluster (the fault proxy in front of every node; the leader really killed and moved)'
        : 'the memory broker';
  console.log(`\nchaos matrix on ${where} (duplicates/losses/reorders, errors, unsettled)`);
  console.log(`${'scenario'.padEnd(22)}${'client'.padEnd(20)} dup  loss  reo  err  uns`);
  for (const r of rows) console.log(`${r.scenario.padEnd(22)}${r.client.padEnd(20)}${cell(r)}`);
  const na = new Map<string, Set<string>>();
  for (const r of rows)
    if (r.na !== undefined) na.set(r.na, (na.get(r.na) ?? new Set()).add(`${r.scenario} × ${r.client}`));
  for (const [reason, cells] of na)
    console.log(`n/a (${cells.size} cell${cells.size === 1 ? '' : 's'}, e.g. ${[...cells][0]}): ${reason}`);
  // On the cluster: proof the faults happened, and how long they and the cluster itself took.
  const cluster = rows.find((r) => r.cluster !== undefined)?.cluster;
  if (cluster !== undefined) console.log(describeClusterTimings(cluster));
  for (const r of rows)
    if (r.faultSteps !== undefined)
      console.log(`${r.scenario} × ${r.client}: ${describeFaultSteps(r.faultSteps)}`);
}

export interface ChaosSuiteOptions {
  readonly json: boolean;
  readonly broker?: ChaosBroker;
  /** The real broker's host:port, or a running cluster's node list. */
  readonly bootstrap?: string;
  readonly clients?: readonly ChaosClientName[];
  readonly scenarios?: readonly string[];
  readonly quick?: boolean;
}

export async function runChaosSuite(options: ChaosSuiteOptions): Promise<ChaosRow[]> {
  const rows = await runChaosMatrix({
    ...(options.broker !== undefined ? { broker: options.broker } : {}),
    ...(options.bootstrap !== undefined ? { bootstrap: options.bootstrap } : {}),
    onLog: (line) => process.stderr.write(`${line}\n`),
    ...(options.clients !== undefined ? { clients: options.clients } : {}),
    ...(options.scenarios !== undefined ? { scenarios: options.scenarios } : {}),
    quick: options.quick ?? false,
    onProgress: (text, done, total) => progressLine(text, done, total),
    onSkip: (client, reason) => process.stderr.write(`chaos: ${client} skipped: ${reason}\n`),
    onCell: (row) => {
      if (options.json) console.log(JSON.stringify(row));
    },
  });
  if (!options.json) printMatrix(rows);
  return rows;
}

/**
 * Where `--out` puts the report: a path ending in .html is the file itself; anything else is the report's directory
 * (the issue's `--out dir`), index.html in it.
 */
export function reportFile(out: string): string {
  const resolved = path.resolve(out);
  return /\.html?$/i.test(resolved) ? resolved : path.join(resolved, 'index.html');
}

/** `all`: the story, the chaos matrix and the core (quick), then the HTML report and its JSON. */
export async function runAllSuite(options: { json: boolean; out: string; version: string }): Promise<string> {
  process.stderr.write('demo: the duplicate fighter\n');
  const story = await runStory();
  for (const scene of story) {
    if (options.json) console.log(JSON.stringify(storyRow(scene)));
    else printScene(scene);
  }
  const chaos = await runChaosSuite({ json: options.json, quick: true });
  const core = await runCoreSuite({ quick: true, json: options.json });
  const { summary } = core;
  const file = reportFile(options.out);
  const data = {
    generatedAt: new Date().toISOString(),
    version: options.version,
    story,
    chaos,
    scenarios: scenarioDescriptions(),
    core: core.rows,
    coreSummary: summary,
    comparisons:
      summary.vsEncodeOnlySpread === undefined
        ? []
        : [
            {
              label: `idem core ÷ codec encode alone (${summary.partitions} p, ${summary.maxInFlight} in flight)`,
              spread: summary.vsEncodeOnlySpread,
            },
          ],
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderReport(data));
  await writeFile(
    path.join(path.dirname(file), 'report.json'),
    JSON.stringify(data, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2),
  );
  process.stderr.write(`report: ${file}\n`);
  return file;
}
