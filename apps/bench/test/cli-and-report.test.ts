import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runChaosMatrix } from '../src/chaos/matrix.js';
import { runStory } from '../src/demo/story.js';
import { renderReport } from '../src/report/html.js';
import { reportFile } from '../src/suites/chaos.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the bench CLI', () => {
  it.each([
    [['demo', '--seed', 'abc'], /^error: --seed must be a non-negative integer/],
    [['chaos', '--bogus'], /^error: unknown option '--bogus'/],
    [['nosuch'], /^error: unknown suite 'nosuch'/],
    [['chaos', '--broker', 'nope'], /^error: --broker must be memory, kafka or cluster/],
    [['throughput', '--open-loop', '0'], /^error: --open-loop takes a positive record count, got '0'/],
    [['throughput', '--open-loop', '--rounds', 'abc'], /^error: --rounds takes a whole number/],
    [['throughput', '--open-loop', '--clients', 'idem-core,nope'], /^error: unknown open-loop client 'nope'/],
  ])('%j: one error line, exit 2', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('--version and --help exit 0', async () => {
    expect((await cli('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/chaos/);
  });
});

describe('--out', () => {
  it('a .html path is the report itself; any other path is its directory', () => {
    expect(reportFile('/tmp/r/report.html')).toBe('/tmp/r/report.html');
    expect(reportFile('/tmp/benchreport')).toBe('/tmp/benchreport/index.html');
    expect(reportFile('/tmp/benchreport/')).toBe('/tmp/benchreport/index.html');
  });
});

describe('the chaos rows and the report', () => {
  it('rows in the comparison shape; idem clean, idempotence off duplicates; the report renders every part', async () => {
    const chaos = await runChaosMatrix({ clients: ['idem', 'idem-off'], scenarios: ['ack-lost'] });
    expect(chaos.map((r) => [r.client, r.scenario, r.duplicates > 0])).toEqual([
      ['idem', 'ack-lost', false],
      ['idem-off', 'ack-lost', true],
    ]);
    for (const row of chaos)
      for (const key of [
        'client',
        'scenario',
        'records',
        'acked',
        'duplicates',
        'losses',
        'reorders',
        'errors',
      ])
        expect(row).toHaveProperty(key);
    const html = renderReport({
      generatedAt: 'now',
      version: 'test',
      story: await runStory(),
      chaos,
      scenarios: { 'ack-lost': 'ack lost' },
      core: [],
      comparisons: [{ label: 'idem core ÷ codec encode alone', spread: { min: 0.5, median: 0.8, max: 1.2 } }],
    });
    expect(html.match(/<svg class="sequence"/g)).toHaveLength(5);
    expect(html.match(/<td class="cell /g)).toHaveLength(2);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(html.match(/<g class="ratio">/g)).toHaveLength(1);
    expect(html).toContain('0.8 (0.5–1.2)×');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
  }, 30_000);
});
