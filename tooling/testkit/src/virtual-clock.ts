/** A timer the virtual clock holds until simulated time reaches `at`. */
interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * Simulated time. Nothing happens until the scheduler advances it; timers due at the same instant fire in an
 * order chosen by `tieBreak` (the seeded scheduler passes its PRNG there, so different seeds explore different
 * interleavings and the same seed replays the same one). Structurally a `Clock` of @idem/core and the memory
 * broker.
 */
export class VirtualClock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(
    start = 0,
    private readonly tieBreak: () => number = () => 0,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.timers.set(id, { id, at: this.time + delay, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or undefined if none is set. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const timer of this.timers.values()) if (min === undefined || timer.at < min) min = timer.at;
    return min;
  }

  /**
   * Moves time to the earliest due timer and fires one timer due then (ties broken by `tieBreak`). Returns false
   * when no timer is set.
   */
  fireNext(): boolean {
    const at = this.nextDue();
    if (at === undefined) return false;
    const due: Timer[] = [];
    for (const timer of this.timers.values()) if (timer.at === at) due.push(timer);
    // Map iteration is insertion order, so ties start in creation order before the seeded pick.
    const chosen = due.length === 1 ? due[0]! : due[Math.floor(this.tieBreak() * due.length) % due.length]!;
    this.timers.delete(chosen.id);
    if (at > this.time) this.time = at;
    chosen.fn();
    return true;
  }

  /** Moves time forward without firing anything (timers due meanwhile fire on the next `fireNext`). */
  advance(ms: number): void {
    this.time += ms;
  }
}
