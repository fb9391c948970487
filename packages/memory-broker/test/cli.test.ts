/** `idem-broker` (src/cli.ts) run as a child process: help, version, bad input, and a start and stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { expectUsageErrors, REPO_ROOT, runTsScript, type ScriptRun, TS_NODE_ARGS } from '@idem/testkit';
import { describe, expect, it } from 'vitest';

// The sources, run the way the root package.json's scripts run TypeScript (dist/cli.js is the same code, built).
const CLI = 'packages/memory-broker/src/cli.ts';
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const broker = (args: readonly string[], timeoutMs?: number): Promise<ScriptRun> =>
  runTsScript(CLI, args, timeoutMs);

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no line on stdout within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const end = out.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, end));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing its address`));
    });
  });
}

function exitCode(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still running ${timeoutMs} ms after SIGTERM`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('idem-broker (process)', () => {
  it('--help lists every flag with its default and exits 0', async () => {
    const run = await broker(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const help = run.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('Usage: idem-broker [options]');
    expect(help).toMatch(/--port <n> .*\(default: 9092\)/);
    expect(help).toMatch(/--brokers <n> .*\(default: 1\)/);
    expect(help).toMatch(/--partitions <n> .*\(default: 1\)/);
    expect(help).toMatch(/--topic <name\[:n\]> .*repeatable \(default: none\)/);
    expect(help).toMatch(/--host <address> .*\(default: "127\.0\.0\.1"\)/);
    expect(help).toMatch(/--advertised-host <h> .*\(default: the bound host\)/);
    expect(help).toMatch(/--profile <p> .*default: "2\.5-4\.4"\)/);
    expect(help).toMatch(/--no-auto-create .*\(default: create them\)/);
    expect(help).toContain('--version');
  }, 60_000);

  it('--version prints the package version', async () => {
    const run = await broker(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${VERSION}\n`);
  }, 60_000);

  it('bad input: one `error: … (…)` line on stderr, exit 2, no stack trace, nothing started', async () => {
    await expectUsageErrors(broker, [
      [['--bogus'], /unknown option '--bogus'/],
      [['--prot', '9092'], /did you mean --port\?/],
      [['--port'], /'--port <n>' argument missing/],
      [['--port', 'abc'], /'--port <n>' argument 'abc' is invalid/],
      [['--port', '-1'], /'--port <n>' argument '-1' is invalid/],
      [['--port', '65536'], /'--port <n>' argument '65536' is invalid \(give an integer from 0 to 65535\)/],
      [['--port', '65534', '--brokers', '3'], /needs ports 65534-65536, past 65535/],
      [['--brokers', '0'], /'--brokers <n>' argument '0' is invalid/],
      [['--partitions', '2x'], /'--partitions <n>' argument '2x' is invalid/],
      [['--topic', 'orders:0'], /'--topic <name\[:n\]>' argument 'orders:0' is invalid/],
      [['--topic', ':3'], /'--topic <name\[:n\]>' argument ':3' is invalid/],
      [['--topic', 'a', '--topic', 'a:2'], /--topic a is given twice/],
      [['--profile', '9.9'], /allowed choices are/],
      [['9092'], /too many arguments/],
    ]);
  }, 120_000);

  it('starts, prints its address on stdout, serves it, and stops with 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [...TS_NODE_ARGS, CLI, '--port', '0', '--brokers', '2', '--topic', 'orders:3'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    try {
      const line = await firstLine(child, 30_000);
      expect(line).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
      const ports = line.split(',').map((address) => Number(address.split(':')[1]));
      for (const port of ports) expect(await canConnect(port)).toBe(true);
      const exited = exitCode(child, 10_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/SIGTERM: closing every connection/);
      expect(stderr).not.toMatch(/^\s*at /m);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
