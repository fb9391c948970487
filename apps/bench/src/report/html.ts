// The self-contained HTML report: the demo as a sequence diagram, the chaos matrix colour-coded with reasons in
// tooltips, the core's throughput and latency as inline SVG bar charts, and every comparison as a ratio per
// repetition with its spread. No scripts, no network.
import { describeClusterTimings, describeFaultSteps } from '../chaos/fault-steps.js';
import type { ChaosRow } from '../chaos/matrix.js';
import type { StoryScene } from '../demo/story.js';
import type { CoreRow } from '../suites/core.js';
import { esc } from './escape.js';
import { type RatioBar, ratioChart } from './ratio-chart.js';

export interface ReportData {
  readonly generatedAt: string;
  readonly version: string;
  readonly story: readonly StoryScene[];
  readonly chaos: readonly ChaosRow[];
  readonly scenarios: Record<string, string>;
  readonly core: readonly CoreRow[];
  /** Every comparison of the run, each a ratio per repetition against the anchor measured beside it. */
  readonly comparisons: readonly RatioBar[];
}

// The broker lane sits left of centre: its decisions are the longest labels and run to its right.
const LANES = { app: 60, producer: 200, broker: 420 } as const;

export function sequenceDiagram(scene: StoryScene): string {
  const rowH = 34;
  const height = 60 + scene.steps.length * rowH + 20;
  const parts: string[] = [];
  for (const [name, x] of Object.entries(LANES)) {
    parts.push(
      `<text x="${x}" y="22" text-anchor="middle" class="lane">${name}</text>`,
      `<line x1="${x}" y1="30" x2="${x}" y2="${height - 10}" class="lifeline"/>`,
    );
  }
  scene.steps.forEach((step, i) => {
    const y = 56 + i * rowH;
    const x1 = LANES[step.from];
    const x2 = LANES[step.to];
    if (step.from === step.to || step.kind === 'note' || step.kind === 'decision') {
      const cls = step.kind === 'decision' ? 'decision' : 'note';
      parts.push(
        `<g class="step ${cls}"><rect x="${x1 - 8}" y="${y - 14}" width="14" height="18" rx="3"/><text x="${x1 + 12}" y="${y}">${esc(step.text)}</text></g>`,
      );
      return;
    }
    const lost = step.kind === 'lost';
    const end = lost ? x1 + (x2 - x1) * 0.55 : x2;
    parts.push(
      `<g class="step ${lost ? 'lost' : 'message'}"><line x1="${x1}" y1="${y}" x2="${end}" y2="${y}"${lost ? ' stroke-dasharray="6 4"' : ' marker-end="url(#arrow)"'}/>` +
        (lost ? `<text x="${end}" y="${y + 5}" class="cross">✕</text>` : '') +
        `<text x="${(x1 + x2) / 2}" y="${y - 6}" text-anchor="middle">${esc(step.text)}</text></g>`,
    );
  });
  return `<svg class="sequence" viewBox="0 0 1000 ${height}" width="1000" height="${height}" role="img" aria-label="${esc(scene.title)}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>${parts.join('')}</svg>`;
}

export function barChart(
  title: string,
  bars: readonly { label: string; value: number }[],
  unit: string,
): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 24;
  const height = 30 + bars.length * rowH;
  const body = bars
    .map((b, i) => {
      const y = 26 + i * rowH;
      const w = Math.max(1, (b.value / max) * 460);
      return `<g class="bar"><text x="0" y="${y + 14}">${esc(b.label)}</text><rect x="230" y="${y}" width="${w.toFixed(1)}" height="18"/><text x="${(236 + w).toFixed(1)}" y="${y + 14}">${b.value.toLocaleString('en-US')} ${unit}</text></g>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 900 ${height}" width="900" height="${height}" role="img" aria-label="${esc(title)}"><text x="0" y="14" class="title">${esc(title)}</text>${body}</svg>`;
}

function cellClass(row: ChaosRow): string {
  if (row.duplicates > 0 || row.losses > 0) return 'bad';
  if (row.reorders > 0 || row.unsettled > 0 || row.falseFailures > 0) return 'warn';
  if (row.errors > 0) return 'err';
  return 'ok';
}

export function matrixTable(rows: readonly ChaosRow[], scenarios: Record<string, string>): string {
  const clients = [...new Set(rows.map((r) => r.client))];
  const names = [...new Set(rows.map((r) => r.scenario))];
  const head = `<tr><th>scenario</th>${clients.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = names
    .map((s) => {
      const cells = clients
        .map((c) => {
          const r = rows.find((x) => x.client === c && x.scenario === s);
          if (r === undefined) return '<td class="na">n/a</td>';
          if (r.na !== undefined) return `<td class="na" title="${esc(r.na)}">n/a</td>`;
          const verdict = r.reasons.length > 0 ? r.reasons.join('\n') : 'every record once, in order';
          const tip =
            r.faultSteps === undefined ? verdict : `${verdict}\nfault: ${describeFaultSteps(r.faultSteps)}`;
          return `<td class="cell ${cellClass(r)}" title="${esc(tip)}">dup ${r.duplicates} · loss ${r.losses} · reorder ${r.reorders}<br><small>errors ${r.errors} · unsettled ${r.unsettled}</small></td>`;
        })
        .join('');
      return `<tr><th title="${esc(scenarios[s] ?? '')}">${esc(s)}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="matrix">${head}${body}</table>`;
}

/** Where the matrix ran, with the cluster's start and stop when it ran on one. */
function matrixWhere(rows: readonly ChaosRow[]): string {
  const broker = rows[0]?.broker ?? 'memory';
  if (broker === 'kafka') return 'real broker, through the fault proxy';
  if (broker === 'memory') return 'memory broker';
  const cluster = rows.find((r) => r.cluster !== undefined)?.cluster;
  return `3-node cluster, through the fault proxy${cluster === undefined ? '' : `; ${esc(describeClusterTimings(cluster))}`}`;
}

export function renderReport(data: ReportData): string {
  const core = data.core.map((r) => ({
    label: `${r.partitions} p, ${r.maxInFlight} in flight, ${r.recordsPerSend}/send`,
    r,
  }));
  const charts = [
    barChart(
      'idem core, records/s (memory broker, 100 B records)',
      core.map(({ label, r }) => ({ label, value: r.recordsPerSec })),
      'rec/s',
    ),
    barChart(
      'idem core, p99 send→ack latency',
      core.map(({ label, r }) => ({ label, value: r.p99Ms })),
      'ms',
    ),
  ];
  const scenes = data.story
    .map(
      (s) =>
        `<section class="scene"><h3>${esc(s.title)} — <span class="copies ${s.copies === 1 ? 'ok' : 'bad'}">${s.copies} ${s.copies === 1 ? 'copy' : 'copies'}</span></h3>${sequenceDiagram(s)}</section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>idem bench report</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1b1f24;max-width:1000px}
h1{font-size:22px}h2{margin-top:32px;border-bottom:1px solid #ddd}
.matrix{border-collapse:collapse}.matrix th,.matrix td{border:1px solid #ccc;padding:6px 8px;text-align:left}
.cell.ok{background:#d4f4dd}.cell.bad{background:#f9d0d0}.cell.warn{background:#fbeec1}.cell.err{background:#dde7f7}.matrix td.na{color:#777;background:#f3f3f3}
.copies.ok{color:#1a7f37}.copies.bad{color:#c62828}
svg text{font:12px system-ui,sans-serif}svg .lane,svg .title{font-weight:600}
.lifeline{stroke:#999;stroke-dasharray:2 3}.message line{stroke:#1b1f24}.lost line{stroke:#c62828}.cross{fill:#c62828;font-weight:700}
.note rect{fill:#e8eaed}.decision rect{fill:#1a7f37}.decision text{fill:#1a7f37;font-weight:600}
.bar rect{fill:#3b6fd6}.ratio rect{fill:#8fb0ec}.whisker{stroke:#1b1f24;stroke-width:1.5}.one{stroke:#c62828;stroke-dasharray:3 3}
</style></head><body>
<h1>idem bench report</h1>
<p>${esc(data.version)} · generated ${esc(data.generatedAt)} · data: <a href="report.json">report.json</a></p>
<h2>The duplicate fighter</h2>
${scenes}
<h2>Fault matrix (${matrixWhere(data.chaos)})</h2>
<p>Green: every record once, in order. Red: duplicates or losses. Yellow: reorders or unsettled sends. Blue: sends failed but the log is clean. Grey n/a: not run here (hover for why). Hover a cell for the reasons (on a cluster also what the fault did to the nodes, and how long each step took).</p>
${matrixTable(data.chaos, data.scenarios)}
<h2>Throughput and latency</h2>
${charts.join('\n')}
${
  data.comparisons.length === 0
    ? ''
    : `<h2>Comparisons</h2>
<p>Each a ratio taken per repetition, against the anchor measured beside it in the same repetition: the bar is the median, the whisker min–max.</p>
${ratioChart('ratio per repetition: median (min–max)', data.comparisons)}`
}
</body></html>
`;
}
