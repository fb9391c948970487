/** `pnpm sim` (test/simulation/sim-cli.ts) run as a child process: help, version, bad input, one good run. */
import { readFileSync } from 'node:fs';
import { expectUsageErrors, runTsScript, type ScriptRun } from '@idem/testkit';
import { describe, expect, it } from 'vitest';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const sim = (args: readonly string[], timeoutMs?: number): Promise<ScriptRun> =>
  runTsScript('packages/core/test/simulation/sim-cli.ts', args, timeoutMs);

describe('pnpm sim', () => {
  it('--help lists every flag with its default and exits 0', async () => {
    const run = await sim(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const help = run.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('Usage: pnpm sim [options]');
    for (const flag of [
      '--seeds <n>',
      '--from <s>',
      '--seed <s>',
      '--workers <w>',
      '--json',
      '--state-loss',
      '--wide',
      '--version',
      '--help',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/--seeds <n> .*\(default: 100\)/);
    expect(help).toMatch(/--from <s> .*\(default: 1\)/);
    expect(help).toMatch(/--workers <w> .*\(default: the number of cores\)/);
    expect(help).toMatch(/--wide .*\(default: false\)/);
  }, 60_000);

  it('--version prints the version of @idem/core', async () => {
    const run = await sim(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  }, 60_000);

  it('bad input: one `error: … (…)` line on stderr, exit 2, no stack trace, nothing run', async () => {
    await expectUsageErrors(sim, [
      [['--bogus'], /unknown option '--bogus'/],
      [['--sed', '3'], /did you mean --seed\?/],
      [['--seed'], /'--seed <s>' argument missing/],
      [['--seed', 'abc'], /'--seed <s>' argument 'abc' is invalid/],
      [['--seeds', '0'], /'--seeds <n>' argument '0' is invalid/],
      [['--seeds', '1.5'], /'--seeds <n>' argument '1.5' is invalid/],
      [['--from', '-1'], /'--from <s>' argument '-1' is invalid/],
      [['--workers', '0'], /'--workers <w>' argument '0' is invalid/],
      [['--from', '9007199254740991', '--seeds', '2'], /largest safe integer/],
      [['seeds'], /too many arguments/],
    ]);
  }, 120_000);

  it('--seeds 3 --json prints one JSON summary of 3 seeds', async () => {
    const run = await sim(['--seeds', '3', '--json'], 90_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!) as { seeds: number; failures: number; records: number };
    expect(summary.seeds).toBe(3);
    expect(summary.failures).toBe(0);
    expect(summary.records).toBeGreaterThan(0);
  }, 120_000);
});
