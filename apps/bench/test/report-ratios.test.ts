import { describe, expect, it } from 'vitest';
import { ratioChart } from '../src/report/ratio-chart.js';

/** The x coordinates of a bar's parts: its end (the median) and its whisker (min to max). */
function geometry(svg: string) {
  const bar = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg)!;
  const whisker = /<line class="whisker" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"/.exec(svg)!;
  const one = /<line class="one" x1="([\d.]+)"/.exec(svg)!;
  return {
    medianEnd: Number(bar[1]) + Number(bar[2]),
    min: Number(whisker[1]),
    max: Number(whisker[2]),
    one: Number(one[1]),
  };
}

describe('the report draws a comparison as its spread', () => {
  it('the bar ends at the median, the whisker runs from min to max, 1× marked', () => {
    const svg = ratioChart('t', [{ label: 'a ÷ b', spread: { min: 0.5, median: 0.8, max: 2 } }]);
    const g = geometry(svg);
    // Max 2 spans the 400 px scale from x = 300: 1× at 500, min 0.5 at 400, the median 0.8 at 460.
    expect(g).toEqual({ medianEnd: 460, min: 400, max: 700, one: 500 });
    expect(svg).toContain('0.8 (0.5–2)×');
    expect(svg).toContain('<title>a ÷ b: 0.8 (0.5–2) per repetition</title>');
  });

  it('one bar per comparison, labels escaped', () => {
    const svg = ratioChart('t', [
      { label: '<x>', spread: { min: 1, median: 1, max: 1 } },
      { label: 'y', spread: { min: 0.1, median: 0.2, max: 0.3 } },
    ]);
    expect(svg.match(/<g class="ratio">/g)).toHaveLength(2);
    expect(svg).toContain('&lt;x&gt;');
    expect(svg).not.toContain('<x>');
  });
});
