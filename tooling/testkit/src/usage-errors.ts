/**
 * The bad-input check of a CLI test: every case is a usage error that the CLI reports as one line
 * `error: … (…)` on stderr, exiting 2, with no stack trace and nothing on stdout.
 */
import { expect } from 'vitest';
import type { ScriptRun } from './run-ts-script.js';

/** A bad command line and what its one error line must say. */
export type UsageErrorCase = readonly [args: readonly string[], message: RegExp];

/**
 * Runs every case at once through `run` (e.g. a `runTsScript` of the CLI) and expects of each: exit code 2,
 * empty stdout, stderr exactly one line `error: <what> (<hint>)` that matches the case's message, no stack
 * trace. A failing expectation names the case by its arguments.
 */
export async function expectUsageErrors(
  run: (args: readonly string[]) => Promise<ScriptRun>,
  cases: readonly UsageErrorCase[],
): Promise<void> {
  const runs = await Promise.all(cases.map(([args]) => run(args)));
  runs.forEach((result, i) => {
    const [args, message] = cases[i]!;
    const label = args.join(' ');
    expect(result.code, label).toBe(2);
    expect(result.stdout, label).toBe('');
    expect(result.stderr, label).toMatch(/^error: [^\n]+ \([^\n]+\)\n$/);
    expect(result.stderr, label).toMatch(message);
    expect(result.stderr, label).not.toMatch(/^\s*at /m);
  });
}
