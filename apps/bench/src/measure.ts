import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A small measurement loop. Competing implementations of one case are measured *interleaved*: each
 * sampling round times every implementation once, and every sample is kept for the ratios. On
 * a shared machine the load changes from second to second; interleaving spreads it evenly over the
 * implementations instead of penalising whichever happened to run during a busy moment.
 * Async operations (kafkajs' encoder is async) are awaited one by one, as a caller would.
 */
export interface MeasureOptions {
  /** Target duration of one sample, in ms. */
  sampleMs: number;
  samples: number;
  /** Untimed warm-up per implementation before sampling, in ms (lets the JIT settle). */
  warmupMs: number;
}

type Runner = (n: number) => unknown;

/**
 * A full garbage collection before each implementation's warm-up, so that none starts out paying for
 * the garbage the previous one left (measured: without it, decode after encode ran ~35% slower for
 * every library). Not before each sample: right after a full GC the young generation is small and
 * allocation-heavy code runs slower for a while, which the warm-up absorbs.
 * `--expose-gc` can be switched on at run time; the `gc` function then lives in new contexts.
 */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

async function runnerFor(fn: () => unknown): Promise<Runner> {
  const probe = fn();
  if (probe instanceof Promise) {
    await probe;
    return async (n: number) => {
      for (let i = 0; i < n; i++) await fn();
    };
  }
  return (n: number) => {
    for (let i = 0; i < n; i++) fn();
  };
}

/** Warms `run` up and returns an inner repeat count that takes about a tenth of a sample. */
async function calibrate(run: Runner, options: MeasureOptions): Promise<number> {
  collectGarbage();
  let inner = 1;
  const warmEnd = performance.now() + options.warmupMs;
  do {
    const t = performance.now();
    await run(inner);
    if (performance.now() - t < options.sampleMs / 10) inner *= 2;
  } while (performance.now() < warmEnd);
  return inner;
}

async function sample(run: Runner, inner: number, sampleMs: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < sampleMs) {
    await run(inner);
    ops += inner;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

/**
 * Operations per second of every sample for each named function, in sampling-round order: sample i of one function
 * ran in the same round as sample i of the others, so ratios are taken sample by sample (../ratio-spread.ts).
 */
export async function measureInterleavedSamples(
  fns: ReadonlyMap<string, () => unknown>,
  options: MeasureOptions,
): Promise<Map<string, number[]>> {
  const entries: { name: string; run: Runner; inner: number; rates: number[] }[] = [];
  for (const [name, fn] of fns) {
    const run = await runnerFor(fn);
    entries.push({ name, run, inner: await calibrate(run, options), rates: [] });
  }
  for (let s = 0; s < options.samples; s++) {
    for (const e of entries) e.rates.push(await sample(e.run, e.inner, options.sampleMs));
  }
  return new Map(entries.map((e) => [e.name, e.rates]));
}
