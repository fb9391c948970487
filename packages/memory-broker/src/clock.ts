/**
 * Time as the broker sees it. Injected so a deterministic simulation can drive the broker with a
 * virtual clock: the broker never reads `Date.now` or schedules a timer except through this port.
 */
export interface Clock {
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds of this clock from now; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from setTimeout; a handle whose timer already ran or was cleared is ignored. */
  clearTimeout(handle: unknown): void;
}

/** Wall-clock time and Node's timers. Timers are unref'd so a forgotten delay never keeps a process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A virtual clock for tests: time moves only when `advance` is called, and timers fire in due-time
 * order (ties in scheduling order), so a run is reproducible.
 */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private timers: ManualTimer[] = [];

  /** Starts at a realistic epoch time by default: Kafka rejects record timestamps too far from "now". */
  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  /** The virtual time, in milliseconds; it changes only through `advance` and `runAll`. */
  now(): number {
    return this.current;
  }

  /** Schedules `fn` for `ms` (a negative delay counts as 0) of virtual time from now; returns the timer's id. */
  setTimeout(fn: () => void, ms: number): unknown {
    const timer: ManualTimer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  /** Cancels the timer with this id; an id that already fired or is unknown is ignored. */
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliestDue(target);
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = target;
  }

  /** Fires timers until none is left (timers scheduled by timers included); returns how many fired. */
  runAll(limit = 100_000): number {
    let fired = 0;
    for (;;) {
      const next = this.earliestDue(Number.POSITIVE_INFINITY);
      if (next === undefined) return fired;
      if (++fired > limit)
        throw new Error(`ManualClock.runAll: more than ${limit} timers fired; a timer loop?`);
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
  }

  private earliestDue(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= limit && (best === undefined || t.at < best.at || (t.at === best.at && t.id < best.id))) {
        best = t;
      }
    }
    return best;
  }
}
