// The one rule for every comparison the bench prints: a ratio is taken per repetition, each value against the
// anchor measured beside it in the same repetition (same round, same sample), and the ratios' min/median/max over
// the repetitions are given. On a shared machine the load changes between repetitions; a quotient of two medians
// would hide that, the spread shows it.

/** Min, median and max of the per-repetition ratios, rounded to 2 decimals. */
export interface RatioSpread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** The median of `values` (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * values[i] ÷ anchor[i] for every repetition i, summarised; undefined when the two were not measured side by side
 * (different repetition counts, none) or an anchor is not a positive rate (a ratio to nothing says nothing).
 */
export function ratioSpread(values: readonly number[], anchor: readonly number[]): RatioSpread | undefined {
  if (values.length === 0 || values.length !== anchor.length) return undefined;
  if (anchor.some((a) => !(a > 0) || !Number.isFinite(a))) return undefined;
  const ratios = values.map((v, i) => v / anchor[i]!);
  return {
    min: round2(Math.min(...ratios)),
    median: round2(median(ratios)),
    max: round2(Math.max(...ratios)),
  };
}

/** "median (min–max)", as every console table and the report print a spread; '-' when there is none. */
export function formatSpread(spread: RatioSpread | undefined): string {
  return spread === undefined ? '-' : `${spread.median} (${spread.min}–${spread.max})`;
}

/** The JSON fields of one comparison, named as every suite names them: `vs<Anchor>` (the median), `vs<Anchor>Spread`. */
export type VsFields<Anchor extends string> = { readonly [K in `vs${Anchor}`]?: number } & {
  readonly [K in `vs${Anchor}Spread`]?: RatioSpread;
};

/** The fields of VsFields for `spread` against `anchor`; none when there is no spread. */
export function vsFields<Anchor extends string>(
  anchor: Anchor,
  spread: RatioSpread | undefined,
): VsFields<Anchor> {
  if (spread === undefined) return {};
  return { [`vs${anchor}`]: spread.median, [`vs${anchor}Spread`]: spread } as VsFields<Anchor>;
}
