// A comparison in the report as the bench states every comparison: the median of the per-repetition ratios as a
// bar, their min–max as a whisker across its end, the three numbers beside it. 1× is marked, so above and below
// the anchor read at a glance.
import { formatSpread, type RatioSpread } from '../ratio-spread.js';
import { esc } from './escape.js';

export interface RatioBar {
  /** What is divided by what, e.g. "idem core ÷ codec encode alone". */
  readonly label: string;
  readonly spread: RatioSpread;
}

const LEFT = 300;
const WIDTH = 400;

export function ratioChart(title: string, bars: readonly RatioBar[]): string {
  const scale = WIDTH / Math.max(1, ...bars.map((b) => b.spread.max));
  const x = (ratio: number) => (LEFT + ratio * scale).toFixed(1);
  const rowH = 26;
  const height = 34 + bars.length * rowH;
  const body = bars
    .map((b, i) => {
      const y = 28 + i * rowH;
      const { min, median, max } = b.spread;
      return (
        `<g class="ratio"><title>${esc(`${b.label}: ${formatSpread(b.spread)} per repetition`)}</title>` +
        `<text x="0" y="${y + 13}">${esc(b.label)}</text>` +
        `<rect x="${LEFT}" y="${y}" width="${Math.max(1, median * scale).toFixed(1)}" height="18"/>` +
        `<line class="whisker" x1="${x(min)}" y1="${y + 9}" x2="${x(max)}" y2="${y + 9}"/>` +
        `<line class="whisker" x1="${x(min)}" y1="${y + 3}" x2="${x(min)}" y2="${y + 15}"/>` +
        `<line class="whisker" x1="${x(max)}" y1="${y + 3}" x2="${x(max)}" y2="${y + 15}"/>` +
        `<text x="${(Number(x(max)) + 8).toFixed(1)}" y="${y + 13}">${esc(`${formatSpread(b.spread)}×`)}</text></g>`
      );
    })
    .join('');
  const one = `<line class="one" x1="${x(1)}" y1="22" x2="${x(1)}" y2="${height - 4}"/>`;
  return `<svg class="ratios" viewBox="0 0 900 ${height}" width="900" height="${height}" role="img" aria-label="${esc(title)}"><text x="0" y="14" class="title">${esc(title)}</text>${one}${body}</svg>`;
}
