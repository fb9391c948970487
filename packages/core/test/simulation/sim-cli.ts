/**
 * `pnpm sim --seeds N [--from S] [--workers W] [--json]`: runs N deterministic simulations and prints one summary
 * line; `pnpm sim --seed S` replays one seed with a trace of every fault and producer event.
 *
 * Runs the TypeScript sources directly:
 *   node --experimental-transform-types --disable-warning=ExperimentalWarning --conditions=@idem/source \
 *        --import ./tooling/testkit/src/register-ts.mjs packages/core/test/simulation/sim-cli.ts --seeds 1000 --json
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type SimResult, type SimSummary, simulate, summarize } from './simulate.js';

interface WorkerTask {
  readonly seeds: readonly number[];
  readonly stateLoss: boolean;
  readonly wide: boolean;
}

interface WorkerReport {
  readonly results: readonly SimResult[];
}

const REPLAY = 'pnpm sim --seed';

async function runSeeds(seeds: readonly number[], stateLoss: boolean, wide: boolean): Promise<SimResult[]> {
  // Many-seed runs build hundreds of thousands of transport errors (a stopped broker refuses every retry); their
  // stack traces were a tenth of the run's time. A failing seed's replay (--seed) keeps them.
  Error.stackTraceLimit = 0;
  const results: SimResult[] = [];
  for (const seed of seeds) results.push(await simulate(seed, { stateLoss, wide }));
  return results;
}

/** Results cross the worker boundary as structured clones: keep what the summary needs. */
function slim(result: SimResult): SimResult {
  return { ...result, verdict: { ...result.verdict, violations: result.verdict.violations.slice(0, 5) } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '100' },
      from: { type: 'string', default: '1' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
      'state-loss': { type: 'boolean', default: false },
      // The wider fault model of issue 9 (wide-faults.ts).
      wide: { type: 'boolean', default: false },
    },
  });

  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    const lines: string[] = [];
    const result = await simulate(seed, {
      trace: (line) => lines.push(line),
      stateLoss: values['state-loss'],
      wide: values.wide,
    });
    for (const line of lines) console.log(line);
    console.log(
      stringify({
        seed,
        replay: `${REPLAY} ${seed}${values['state-loss'] ? ' --state-loss' : ''}${values.wide ? ' --wide' : ''}`,
        ok: result.ok,
        problems: result.problems,
        verdict: result.verdict,
        stats: result.stats,
        config: result.config,
      }),
    );
    process.exitCode = result.ok ? 0 : 1;
    return;
  }

  const count = Number(values.seeds);
  const from = Number(values.from);
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(from)) {
    throw new Error(`--seeds and --from must be integers, got ${values.seeds} and ${values.from}`);
  }
  const seeds = Array.from({ length: count }, (_, i) => from + i);
  const workers = Math.max(1, Math.min(Number(values.workers ?? availableParallelism()), count));
  const started = performance.now();

  let results: SimResult[];
  if (workers === 1) {
    results = await runSeeds(seeds, values['state-loss'], values.wide);
  } else {
    const shards: number[][] = Array.from({ length: workers }, () => []);
    for (let i = 0; i < seeds.length; i++) shards[i % workers]!.push(seeds[i]!);
    const reports = await Promise.all(
      shards.map(
        (shard) =>
          new Promise<WorkerReport>((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), {
              workerData: {
                seeds: shard,
                stateLoss: values['state-loss'],
                wide: values.wide,
              } satisfies WorkerTask,
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    results = reports.flatMap((r) => r.results);
  }
  results.sort((a, b) => a.seed - b.seed);

  const summary: SimSummary = summarize(results);
  const elapsedMs = Math.round(performance.now() - started);
  const line = {
    seeds: summary.seeds,
    failures: summary.failures,
    records: summary.records,
    duplicates: summary.duplicates,
    losses: summary.losses,
    reorders: summary.reorders,
    falseFailures: summary.falseFailures,
    untyped: summary.untyped,
    unsettled: summary.unsettled,
    ...(values['state-loss']
      ? { stateLossSeeds: summary.stateLossSeeds, stateLossAnomalies: summary.stateLossAnomalies }
      : {}),
    regeneratedCopies: summary.regeneratedCopies,
    faultsByKind: Object.fromEntries(
      Object.entries(summary.faultsByKind).sort(([a], [b]) => a.localeCompare(b)),
    ),
    elapsedMs,
    ...(summary.failures > 0
      ? {
          failedSeeds: summary.failedSeeds.slice(0, 500),
          replay: `${REPLAY} ${summary.failedSeeds[0]}${values['state-loss'] ? ' --state-loss' : ''}${values.wide ? ' --wide' : ''}`,
        }
      : {}),
  };
  if (values.json) {
    console.log(JSON.stringify(line));
  } else {
    console.log(
      `${summary.seeds} seeds, ${summary.records} records: ${summary.failures} failed seeds, ${summary.duplicates} duplicates, ${summary.losses} losses, ${summary.reorders} reorders (${elapsedMs} ms)`,
    );
  }
  for (const failed of results.filter((r) => !r.ok).slice(0, 5)) {
    console.error(
      `seed ${failed.seed} failed: ${failed.problems.join('; ')} ${stringify(failed.verdict.violations)}`,
    );
    console.error(
      `  replay: ${REPLAY} ${failed.seed}${values['state-loss'] ? ' --state-loss' : ''}${values.wide ? ' --wide' : ''}`,
    );
  }
  process.exitCode = summary.failures === 0 ? 0 : 1;
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

if (isMainThread) {
  await main();
} else {
  const task = workerData as WorkerTask;
  const results = (await runSeeds(task.seeds, task.stateLoss, task.wide)).map(slim);
  parentPort!.postMessage({ results } satisfies WorkerReport);
}
