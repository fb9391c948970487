import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ChaosRow, runChaosMatrix, scenarioDescriptions } from '../chaos/matrix.js';
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

export function printMatrix(rows: readonly ChaosRow[]): void {
  console.log('\nchaos matrix on the memory broker (duplicates/losses/reorders, errors, unsettled)');
  console.log(`${'scenario'.padEnd(20)}${'client'.padEnd(20)} dup  loss  reo  err  uns`);
  for (const r of rows)
    console.log(
      `${r.scenario.padEnd(20)}${r.client.padEnd(20)}${String(r.duplicates).padStart(4)}${String(r.losses).padStart(6)}${String(r.reorders).padStart(5)}${String(r.errors).padStart(5)}${String(r.unsettled).padStart(5)}`,
    );
}

export async function runChaosSuite(options: { json: boolean }): Promise<ChaosRow[]> {
  const rows = await runChaosMatrix({
    onCell: (row, done, total) => {
      progressLine(`${row.scenario} × ${row.client}`, done, total);
      if (options.json) console.log(JSON.stringify(row));
    },
  });
  if (!options.json) printMatrix(rows);
  return rows;
}

/** `all`: the story, the chaos matrix and the core (quick), then the HTML report and its JSON. */
export async function runAllSuite(options: { json: boolean; out: string; version: string }): Promise<string> {
  process.stderr.write('demo: the duplicate fighter\n');
  const story = await runStory();
  for (const scene of story) {
    if (options.json) console.log(JSON.stringify(storyRow(scene)));
    else printScene(scene);
  }
  const chaos = await runChaosSuite({ json: options.json });
  const core = await runCoreSuite({ quick: true, json: options.json });
  const file = path.resolve(options.out);
  const data = {
    generatedAt: new Date().toISOString(),
    version: options.version,
    story,
    chaos,
    scenarios: scenarioDescriptions(),
    core,
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
