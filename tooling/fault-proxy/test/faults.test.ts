import { describe, expect, it } from 'vitest';
import { FaultRules } from '../src/faults.js';
import { seededRandom } from '../src/prng.js';

const produce = { apiKey: 0, nodeId: 1 } as const;
const metadata = { apiKey: 3, nodeId: 1 } as const;

describe('FaultRules', () => {
  it('fires once by default, on the first matching request', () => {
    const rules = new FaultRules(seededRandom(1));
    const rule = rules.add({ kind: 'cut', apiKeys: [0] });
    expect(rules.pick(metadata)).toBeNull();
    expect(rules.pick(produce)).toBe(rule);
    expect(rules.pick(produce)).toBeNull();
    expect(rule.matched).toBe(2);
    expect(rule.fired).toBe(1);
  });

  it('skips the first matches, then fires `count` times', () => {
    const rules = new FaultRules(seededRandom(1));
    rules.add({ kind: 'ackLost', apiKeys: [0], skip: 2, count: 3 });
    const hits = Array.from({ length: 8 }, () => rules.pick(produce) !== null);
    expect(hits).toEqual([false, false, true, true, true, false, false, false]);
  });

  it('filters by node, with "bootstrap" for the bootstrap listener', () => {
    const rules = new FaultRules(seededRandom(1));
    rules.add({ kind: 'delay', delayMs: 5, nodeIds: ['bootstrap'], count: Number.POSITIVE_INFINITY });
    expect(rules.pick(produce)).toBeNull();
    expect(rules.pick({ apiKey: 0, nodeId: 'bootstrap' })).not.toBeNull();
  });

  it('checks rules in order: the first that fires wins', () => {
    const rules = new FaultRules(seededRandom(1));
    const first = rules.add({ kind: 'delay', delayMs: 1, apiKeys: [3] });
    const second = rules.add({ kind: 'cut' });
    expect(rules.pick(metadata)).toBe(first);
    expect(rules.pick(metadata)).toBe(second);
  });

  it('draws probabilistic rules from the seed: same seed, same schedule; another seed, another one', () => {
    const schedule = (seed: number) => {
      const rules = new FaultRules(seededRandom(seed));
      rules.add({ kind: 'cut', probability: 0.3, count: Number.POSITIVE_INFINITY });
      return Array.from({ length: 500 }, (_, i) => (rules.pick(produce) ? i : -1)).filter((i) => i >= 0);
    };
    const a = schedule(42);
    expect(schedule(42)).toEqual(a);
    expect(schedule(43)).not.toEqual(a);
    // 0.3 of 500 is 150; a fair generator lands well within ±50.
    expect(a.length).toBeGreaterThan(100);
    expect(a.length).toBeLessThan(200);
  });

  it('a deterministic rule does not consume randomness (other schedules stay put)', () => {
    const run = (withExtra: boolean) => {
      const rules = new FaultRules(seededRandom(7));
      if (withExtra) rules.add({ kind: 'cut', apiKeys: [99], count: Number.POSITIVE_INFINITY });
      rules.add({ kind: 'cut', probability: 0.5, count: Number.POSITIVE_INFINITY });
      return Array.from({ length: 100 }, () => rules.pick(produce) !== null);
    };
    expect(run(true)).toEqual(run(false));
  });

  it('remove() and clear() stop rules', () => {
    const rules = new FaultRules(seededRandom(1));
    const rule = rules.add({ kind: 'cut', count: Number.POSITIVE_INFINITY });
    rule.remove();
    expect(rules.pick(produce)).toBeNull();
    rules.add({ kind: 'cut', count: Number.POSITIVE_INFINITY });
    rules.clear();
    expect(rules.pick(produce)).toBeNull();
  });

  it('rejects nonsense specs', () => {
    const rules = new FaultRules(seededRandom(1));
    expect(() => rules.add({ kind: 'cut', probability: 0 })).toThrow(RangeError);
    expect(() => rules.add({ kind: 'cut', probability: 1.5 })).toThrow(RangeError);
    expect(() => rules.add({ kind: 'cut', count: 0 })).toThrow(RangeError);
    expect(() => rules.add({ kind: 'cut', count: 1.5 })).toThrow(RangeError);
    expect(() => rules.add({ kind: 'cut', skip: -1 })).toThrow(RangeError);
    expect(() => rules.add({ kind: 'delay' })).toThrow(/delayMs/);
    expect(() => rules.add({ kind: 'blackhole', durationMs: -1 })).toThrow(/durationMs/);
  });
});

describe('seededRandom', () => {
  it('is uniform-ish in [0, 1) and reproducible', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.every((x, i) => x >= 0 && x < 1 && x === b() && i >= 0)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });
});
