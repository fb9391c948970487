/**
 * Runs one of the repository's TypeScript entry points (a CLI) as a child process, the way the root package.json's
 * scripts run TypeScript, bounded in time: for tests of what a user sees (exit code, stdout, stderr).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tooling/testkit/src/run-ts-script.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node's flags for running a .ts entry point from source, as the root `sim` script does. */
export const TS_NODE_ARGS: readonly string[] = [
  '--experimental-transform-types',
  '--disable-warning=ExperimentalWarning',
  '--conditions=@idem/source',
  '--import',
  './tooling/testkit/src/register-ts.mjs',
];

export interface ScriptRun {
  /** The exit code, or null when the process was killed (the time bound). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` (a path from the repository root) with `args`; killed with SIGKILL after `timeoutMs`. */
export function runTsScript(script: string, args: readonly string[], timeoutMs = 30_000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...TS_NODE_ARGS, script, ...args],
      { cwd: REPO_ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
