import { describe, expect, it } from 'vitest';
import { Prng, SeededScheduler, VirtualClock } from '../src/index.js';

describe('Prng', () => {
  it('replays the same stream for the same seed and differs across seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng(7)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng(7)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (p) => () =>
          p.nextUint32()
      )(new Prng(8)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('stays in [0, 1) and covers the range', () => {
    const p = new Prng(1);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).toBeLessThan(0.01);
    expect(max).toBeGreaterThan(0.99);
    expect(p.int(3, 3)).toBe(3);
  });
});

describe('VirtualClock', () => {
  it('fires timers in time order and only when told', () => {
    const clock = new VirtualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const cancelled = clock.setTimeout(() => fired.push('x'), 5);
    clock.clearTimeout(cancelled);
    expect(fired).toEqual([]);
    while (clock.fireNext());
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(120);
  });

  it('breaks ties with the given source', () => {
    const order = (tie: number) => {
      const clock = new VirtualClock(0, () => tie);
      const fired: number[] = [];
      for (let i = 0; i < 3; i++) clock.setTimeout(() => fired.push(i), 1);
      while (clock.fireNext());
      return fired;
    };
    expect(order(0)).toEqual([0, 1, 2]);
    expect(order(0.99)).toEqual([2, 1, 0]);
  });
});

describe('SeededScheduler', () => {
  it('runs promise continuations between timers and stops when done', async () => {
    const scheduler = new SeededScheduler(1, 0);
    const sleep = (ms: number) => new Promise<void>((resolve) => scheduler.clock.setTimeout(resolve, ms));
    let finished = false;
    void (async () => {
      await sleep(10);
      await sleep(10);
      finished = true;
    })();
    const result = await scheduler.run(() => finished);
    expect(result).toMatchObject({ completed: true, deadlocked: false, timeMs: 20 });
  });

  it('reports a deadlock when work waits on a promise nobody settles', async () => {
    const scheduler = new SeededScheduler(1);
    const result = await scheduler.run(() => false);
    expect(result.deadlocked).toBe(true);
  });

  it('reports a time-out for work that never ends', async () => {
    const scheduler = new SeededScheduler(1, 0);
    const tick = () => scheduler.clock.setTimeout(tick, 1000);
    tick();
    const result = await scheduler.run(() => false, { maxTimeMs: 10_000 });
    expect(result.timedOut).toBe(true);
  });
});
