import { Prng } from './prng.js';
import { VirtualClock } from './virtual-clock.js';

/** Lets every promise continuation queued so far run (a macrotask turn drains the whole microtask queue). */
export function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface RunOptions {
  /** Stop with `timedOut` once simulated time passes this. */
  readonly maxTimeMs?: number;
  /** Stop with `timedOut` after this many timer firings (a livelock guard). */
  readonly maxSteps?: number;
}

export interface RunResult {
  /** `done()` returned true. */
  readonly completed: boolean;
  /** Neither done nor any timer left to fire: something waits on a promise nobody will settle. */
  readonly deadlocked: boolean;
  readonly timedOut: boolean;
  readonly steps: number;
  readonly timeMs: number;
}

/**
 * A deterministic event loop over a virtual clock: after each timer it lets all resulting promise work finish,
 * then fires the next timer. Everything random (tie order between simultaneous timers, and whatever the test
 * draws from `random`) comes from one seed, so a run replays exactly.
 */
export class SeededScheduler {
  readonly random: Prng;
  readonly clock: VirtualClock;

  constructor(
    readonly seed: number,
    startTimeMs = 1_700_000_000_000,
  ) {
    this.random = new Prng(seed);
    const ties = this.random.fork();
    this.clock = new VirtualClock(startTimeMs, () => ties.next());
  }

  /** Runs timers until `done()` holds, time or steps run out, or nothing is left to run. */
  async run(done: () => boolean, options: RunOptions = {}): Promise<RunResult> {
    const maxTime = this.clock.now() + (options.maxTimeMs ?? 3_600_000);
    const maxSteps = options.maxSteps ?? 2_000_000;
    let steps = 0;
    await settleMicrotasks();
    for (;;) {
      if (done()) return this.result(true, false, false, steps);
      const due = this.clock.nextDue();
      if (due === undefined) return this.result(false, true, false, steps);
      if (due > maxTime || steps >= maxSteps) return this.result(false, false, true, steps);
      this.clock.fireNext();
      steps++;
      await settleMicrotasks();
    }
  }

  private result(completed: boolean, deadlocked: boolean, timedOut: boolean, steps: number): RunResult {
    return { completed, deadlocked, timedOut, steps, timeMs: this.clock.now() };
  }
}
