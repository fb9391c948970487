import type { Clock } from '../ports/transport.js';

/**
 * One timer for "run the sender again at time t", always set to the earliest time anyone asked for. Linger
 * expiry, retry backoff and delivery deadlines all go through it, so the producer holds at most one such timer.
 */
export class WakeTimer {
  private handle: unknown = null;
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly onWake: () => void,
  ) {}

  /** Ensures a wake-up no later than `time`. */
  request(time: number): void {
    if (!(time < this.at)) return;
    this.cancel();
    this.at = time;
    this.handle = this.clock.setTimeout(
      () => {
        this.handle = null;
        this.at = Number.POSITIVE_INFINITY;
        this.onWake();
      },
      Math.max(0, time - this.clock.now()),
    );
  }

  cancel(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.at = Number.POSITIVE_INFINITY;
  }
}
