import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { seededRandom } from '../src/random.js';

describe('ManualClock', () => {
  it('fires timers in due order (ties in scheduling order) only when advanced', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@10'), 10);
    clock.advance(5);
    expect(fired).toEqual([]);
    clock.advance(15);
    expect(fired).toEqual(['a@10', 'c@10', 'b@20']);
    expect(clock.now()).toBe(20);
  });

  it('sees the due time as now inside a timer, and runs timers scheduled by timers', () => {
    const clock = new ManualClock(100);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 10);
    clock.runAll();
    expect(seen).toEqual([110, 115]);
  });

  it('cancels a timer', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 1);
    clock.clearTimeout(handle);
    clock.advance(10);
    expect(fired).toBe(false);
  });
});

describe('seededRandom', () => {
  it('replays the same sequence for the same seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});
