/**
 * `pnpm sim --seeds N [--from S] [--workers W] [--json]`: runs N deterministic simulations and prints one summary
 * line; `pnpm sim --seed S` replays one seed with a trace of every fault and producer event.
 *
 * Runs the TypeScript sources directly:
 *   node --experimental-transform-types --disable-warning=ExperimentalWarning --conditions=@idem/source \
 *        --import ./tooling/testkit/src/register-ts.mjs packages/core/test/simulation/sim-cli.ts --seeds 1000 --json
 *
 * The flags are parsed with commander, as apps/bench and idem-broker parse theirs: `--help` lists them with their
 * defaults, `--version` prints @idem/core's version, and bad input is one line `error: <what is wrong> (<what to
 * do>)` on stderr with exit code 2 and no stack trace.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
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

interface SimOptions {
  readonly seeds: number;
  readonly from: number;
  readonly seed?: number;
  readonly workers: number;
  readonly json: boolean;
  readonly stateLoss: boolean;
  readonly wide: boolean;
}

const HELP_HINT = 'see pnpm sim --help';

function simProgram(): Command {
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return new Command('pnpm sim')
    .description(
      'deterministic fault simulations of the core producer on the memory broker: many seeds and one summary line, or one seed replayed with a trace',
    )
    .version(version, '-V, --version', 'print the version (@idem/core)')
    .helpOption('-h, --help', 'show this help')
    .option('--seeds <n>', 'number of seeds to run', integer(1), 100)
    .option('--from <s>', 'first seed of the run', integer(0), 1)
    .option(
      '--seed <s>',
      'replay this one seed with a trace of every fault and producer event (default: off)',
      integer(0),
    )
    .addOption(
      new Option('--workers <w>', 'worker threads for a many-seed run (at most --seeds)')
        .argParser(integer(1))
        .default(availableParallelism(), 'the number of cores'),
    )
    .option('--json', 'print the summary as one JSON object', false)
    .option('--state-loss', 'let restarted brokers lose producer state (in about half the seeds)', false)
    .option('--wide', 'the wider fault model of issue 9 (wide-faults.ts)', false)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(oneLine(text)) });
}

/**
 * The options argv asks for, or undefined once help, the version or the `error:` line is printed (exit code 0
 * for help and version, 2 for bad input).
 */
function parseOptions(argv: readonly string[]): SimOptions | undefined {
  const program = simProgram();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return undefined;
  }
  const options = program.opts<SimOptions>();
  if (options.seeds - 1 > Number.MAX_SAFE_INTEGER - options.from) {
    process.stderr.write(
      `error: --from ${options.from} with --seeds ${options.seeds} runs past the largest safe integer (give a smaller --from or --seeds)\n`,
    );
    process.exitCode = 2;
    return undefined;
  }
  return options;
}

function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`give an integer of at least ${min}`);
    }
    return n;
  };
}

/**
 * Commander's messages as one line `error: <what is wrong> (<what to do>)`: "… is invalid. Give …" becomes
 * "… is invalid (give …)", its "(Did you mean …?)" stays the hint, anything else gets "see pnpm sim --help".
 */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const line = flat.startsWith('error:') ? flat : `error: ${flat}`;
  const invalid = /^(.*? is invalid)\. (.*?)\.?$/.exec(line);
  if (invalid) return `${invalid[1]} (${lowerFirst(invalid[2]!)})\n`;
  const suggestion = /^(.*?) \((Did you mean .*?)\)$/.exec(line);
  if (suggestion) return `${suggestion[1]} (${lowerFirst(suggestion[2]!)})\n`;
  return `${line.replace(/\.$/, '')} (${HELP_HINT})\n`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function replayCommand(seed: number, values: SimOptions): string {
  return `${REPLAY} ${seed}${values.stateLoss ? ' --state-loss' : ''}${values.wide ? ' --wide' : ''}`;
}

async function main(): Promise<void> {
  const values = parseOptions(process.argv.slice(2));
  if (values === undefined) return;

  if (values.seed !== undefined) {
    const seed = values.seed;
    const lines: string[] = [];
    const result = await simulate(seed, {
      trace: (line) => lines.push(line),
      stateLoss: values.stateLoss,
      wide: values.wide,
    });
    for (const line of lines) console.log(line);
    console.log(
      stringify({
        seed,
        replay: replayCommand(seed, values),
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

  const count = values.seeds;
  const from = values.from;
  const seeds = Array.from({ length: count }, (_, i) => from + i);
  const workers = Math.min(values.workers, count);
  const started = performance.now();

  let results: SimResult[];
  if (workers === 1) {
    results = await runSeeds(seeds, values.stateLoss, values.wide);
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
                stateLoss: values.stateLoss,
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
    ...(values.stateLoss
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
          replay: replayCommand(summary.failedSeeds[0]!, values),
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
    console.error(`  replay: ${replayCommand(failed.seed, values)}`);
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
