import { describe, expect, it } from 'vitest';
import { formatSpread, median, ratioSpread, vsFields } from '../src/ratio-spread.js';

describe('ratioSpread: per-repetition ratios against the anchor measured beside them', () => {
  it('divides repetition by repetition, not median by median', () => {
    // Per round: 100/50 = 2, 90/100 = 0.9, 60/40 = 1.5. Median of the values over median of the anchors would be
    // 90/50 = 1.8, which no round showed.
    expect(ratioSpread([100, 90, 60], [50, 100, 40])).toEqual({ min: 0.9, median: 1.5, max: 2 });
  });

  it('keeps min, median and max apart whatever order the repetitions came in', () => {
    const spread = ratioSpread([3, 1, 2, 5, 4], [1, 1, 1, 1, 1]);
    expect(spread).toEqual({ min: 1, median: 3, max: 5 });
  });

  it('an even count: the median is the mean of the two middle ratios', () => {
    expect(ratioSpread([4, 1, 3, 2], [1, 1, 1, 1])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(ratioSpread([1, 2], [2, 2])).toEqual({ min: 0.5, median: 0.75, max: 1 });
  });

  it('rounds to 2 decimals', () => {
    expect(ratioSpread([1, 2, 2], [3, 3, 7])).toEqual({ min: 0.29, median: 0.33, max: 0.67 });
  });

  it('no spread when the two were not measured side by side or the anchor measured nothing', () => {
    expect(ratioSpread([1, 2], [1])).toBeUndefined();
    expect(ratioSpread([], [])).toBeUndefined();
    expect(ratioSpread([1, 2], [1, 0])).toBeUndefined();
    expect(ratioSpread([1], [Number.NaN])).toBeUndefined();
  });
});

describe('median', () => {
  it('odd and even counts, unsorted input left as it was', () => {
    const values = [9, 1, 5];
    expect(median(values)).toBe(5);
    expect(values).toEqual([9, 1, 5]);
    expect(median([10, 1, 7, 3])).toBe(5);
    expect(median([])).toBeNaN();
  });
});

describe('the printed and JSON forms', () => {
  it('"median (min–max)", or - without a spread', () => {
    expect(formatSpread({ min: 0.8, median: 0.91, max: 1.02 })).toBe('0.91 (0.8–1.02)');
    expect(formatSpread(undefined)).toBe('-');
  });

  it('vs<Anchor> holds the median, vs<Anchor>Spread all three; nothing without a spread', () => {
    const spread = { min: 0.5, median: 0.75, max: 1 };
    expect(vsFields('Core', spread)).toEqual({ vsCore: 0.75, vsCoreSpread: spread });
    expect(vsFields('Core', undefined)).toEqual({});
  });
});
