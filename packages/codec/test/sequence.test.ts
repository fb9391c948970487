import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decrementSequence,
  incrementSequence,
  isNextInSequence,
  lastSequence,
  MAX_SEQUENCE,
} from '../src/index.js';

const fcOptions = { seed: process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 0x5e9, numRuns: 500 };
const MOD = 2 ** 31;

describe('sequence arithmetic', () => {
  it('MAX_SEQUENCE is Integer.MAX_VALUE', () => {
    expect(MAX_SEQUENCE).toBe(2147483647);
  });

  it('increments wrap past MAX to 0', () => {
    expect(incrementSequence(0, 1)).toBe(1);
    expect(incrementSequence(MAX_SEQUENCE - 1, 1)).toBe(MAX_SEQUENCE);
    expect(incrementSequence(MAX_SEQUENCE, 1)).toBe(0);
    expect(incrementSequence(MAX_SEQUENCE - 1, 3)).toBe(1);
    expect(incrementSequence(MAX_SEQUENCE, 0)).toBe(MAX_SEQUENCE);
  });

  it('decrements wrap below 0 to MAX', () => {
    expect(decrementSequence(0, 1)).toBe(MAX_SEQUENCE);
    expect(decrementSequence(1, 3)).toBe(MAX_SEQUENCE - 1);
    expect(decrementSequence(10, 10)).toBe(0);
  });

  it('lastSequence wraps past MAX: base MAX-1 with 4 records (MAX-1, MAX, 0, 1) ends at 1', () => {
    expect(lastSequence(MAX_SEQUENCE - 1, 4)).toBe(1);
    expect(lastSequence(5, 2)).toBe(6);
    expect(lastSequence(-1, 10)).toBe(-1);
    expect(lastSequence(7, 1)).toBe(7);
  });

  it('isNextInSequence follows the wrap', () => {
    expect(isNextInSequence(MAX_SEQUENCE, 0)).toBe(true);
    expect(isNextInSequence(1, 2)).toBe(true);
    expect(isNextInSequence(-1, 0)).toBe(true);
    expect(isNextInSequence(1, 3)).toBe(false);
    expect(isNextInSequence(MAX_SEQUENCE, MAX_SEQUENCE + 1)).toBe(false);
  });

  it('matches modular arithmetic over 2^31 and increment/decrement are inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SEQUENCE }),
        fc.integer({ min: 0, max: MAX_SEQUENCE }),
        (s, d) => {
          expect(incrementSequence(s, d)).toBe((s + d) % MOD);
          expect(decrementSequence(s, d)).toBe((s - d + MOD) % MOD);
          expect(decrementSequence(incrementSequence(s, d), d)).toBe(s);
        },
      ),
      fcOptions,
    );
  });
});
