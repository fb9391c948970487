// The chaos matrix as `idem-bench chaos --quick --json` prints it on the memory broker, and its argument errors.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CHAOS_CLIENTS,
  type ChaosRow,
  IDEM_CLIENTS,
  SCENARIO_NAMES,
  scenarioDescriptions,
} from '../src/chaos/matrix.js';
import { renderReport } from '../src/report/html.js';
import { printMatrix } from '../src/suites/chaos.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('idem-bench chaos --quick --json on the memory broker', () => {
  let rows: ChaosRow[] = [];
  let stdout = '';

  beforeAll(async () => {
    const r = await cli('chaos', '--quick', '--json');
    expect(r.code, r.stderr).toBe(0);
    stdout = r.stdout;
    rows = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ChaosRow);
  }, 240_000);

  it('prints one JSON row per line on stdout and nothing else', () => {
    for (const line of stdout.trim().split('\n')) expect(line).toMatch(/^\{"suite":"chaos",.*\}$/);
    expect(stdout.endsWith('\n')).toBe(true);
  });

  it('has every client × scenario exactly once, in the comparison row shape', () => {
    const cells = rows.map((r) => `${r.scenario} × ${r.client}`).sort();
    const expected = SCENARIO_NAMES.flatMap((s) => CHAOS_CLIENTS.map((c) => `${s} × ${c}`)).sort();
    expect(cells).toEqual(expected);
    expect(SCENARIO_NAMES).toEqual(
      expect.arrayContaining([
        'ack-lost',
        'leader-moved',
        'leader-killed',
        'producer-state-lost',
        'config-changed-retry',
        'delivery-timeout',
        'concurrent-200',
        'reset-in-flight',
      ]),
    );
    for (const row of rows) {
      expect(row.broker).toBe('memory');
      for (const key of [
        'records',
        'acked',
        'duplicates',
        'losses',
        'reorders',
        'errors',
        'unsettled',
      ] as const)
        expect(typeof row[key], `${row.scenario} × ${row.client} ${key}`).toBe('number');
      expect(Array.isArray(row.reasons)).toBe(true);
    }
  });

  it('the idem clients run every scenario with no duplicate, loss or reorder', () => {
    for (const client of IDEM_CLIENTS)
      for (const row of rows.filter((r) => r.client === client)) {
        const cell = `${row.scenario} × ${row.client}: ${row.reasons.join('; ')}`;
        expect(row.na, cell).toBeUndefined();
        expect(row.records, cell).toBeGreaterThan(0);
        expect([row.duplicates, row.losses, row.reorders, row.falseFailures, row.unsettled], cell).toEqual([
          0, 0, 0, 0, 0,
        ]);
      }
  });

  it('idempotence off shows the duplicate in ack-lost', () => {
    const ackLost = (client: string) => rows.find((r) => r.scenario === 'ack-lost' && r.client === client);
    expect(ackLost('idem-off')?.duplicates).toBeGreaterThan(0);
    expect(ackLost('idem-kafkajs-off')?.duplicates).toBeGreaterThan(0);
    expect(ackLost('kafkajs')?.duplicates).toBeGreaterThan(0);
    // The same fault does not duplicate with idempotence on.
    expect(ackLost('idem')?.duplicates).toBe(0);
  });

  it('delivery-timeout: the idem clients fail the held sends as possibly persisted, within the bound', () => {
    for (const client of IDEM_CLIENTS) {
      const row = rows.find((r) => r.scenario === 'delivery-timeout' && r.client === client);
      expect(row?.errors, `${client}: ${row?.reasons.join('; ')}`).toBe(row?.records);
      expect(row?.reasons.join(' ')).toMatch(/DELIVERY_TIMEOUT/);
    }
  });
  it('the console table and the HTML report show every client and scenario', () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
    try {
      printMatrix(rows);
    } finally {
      log.mockRestore();
    }
    for (const row of rows)
      expect(lines.some((l) => l.startsWith(row.scenario.padEnd(22) + row.client.padEnd(20)))).toBe(true);
    const html = renderReport({
      generatedAt: 'now',
      version: 'test',
      story: [],
      chaos: rows,
      scenarios: scenarioDescriptions(),
      core: [],
      comparisons: [],
    });
    const cells = (html.match(/<td class="(cell [a-z]+|na)"/g) ?? []).length;
    expect(cells).toBe(CHAOS_CLIENTS.length * SCENARIO_NAMES.length);
    for (const client of CHAOS_CLIENTS) expect(html).toContain(`<th>${client}</th>`);
    for (const scenario of SCENARIO_NAMES) expect(html).toContain(`>${scenario}</th>`);
  });
});

describe('idem-bench chaos argument errors', () => {
  it.each([
    [['chaos', '--clients', 'idem,nosuch'], /^error: unknown client 'nosuch'; clients: idem, /],
    [['chaos', '--scenarios', 'bogus'], /^error: unknown scenario 'bogus'; scenarios: ack-lost, /],
    [['chaos', '--broker', 'nope'], /^error: --broker must be memory, kafka or cluster, got 'nope'/],
    [['chaos', '--broker', 'cluster', '--bootstrap', 'nope'], /^error: --bootstrap wants host:port/],
    [['chaos', '--bootstrap', '127.0.0.1:9092'], /^error: --bootstrap is for --broker kafka or cluster/],
    [['all', '--broker', 'cluster'], /^error: --broker cluster: not for all/],
  ])('%j: one error line, exit 2, nothing on stdout', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('--broker kafka without --bootstrap or KAFKA_BOOTSTRAP: one error line, exit 2', async () => {
    const { KAFKA_BOOTSTRAP: _, ...env } = process.env;
    const r = await run(process.execPath, [CLI, 'chaos', '--broker', 'kafka'], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --broker kafka needs --bootstrap or KAFKA_BOOTSTRAP/);
  });
});
