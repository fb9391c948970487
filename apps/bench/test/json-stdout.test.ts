import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pnpmBannerNote } from '../src/pnpm-banner.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
const PNPM = { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v24 linux x64', npm_lifecycle_event: 'bench' };

describe('--json', () => {
  it('stdout holds only JSON lines, even when started by a non-silent pnpm run', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [CLI, 'chaos', '--clients', 'idem', '--scenarios', 'ack-lost', '--quick', '--json'],
      // Not silent: under `pnpm -s test` (CI) the runner's own npm_config_reporter=silent would hide the note.
      { env: { ...process.env, ...PNPM, npm_config_reporter: 'default' } },
    );
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    // What pnpm put on stdout cannot be taken back; the note on stderr says how to avoid it.
    expect(stderr).toContain('pnpm -s bench chaos --clients idem');
  }, 60_000);

  it('the pnpm banner note: only for --json under a pnpm run that is not silent', () => {
    expect(pnpmBannerNote(['chaos', '--json'], PNPM)).toMatch(/^note: .*`pnpm -s bench chaos --json`/);
    expect(pnpmBannerNote(['chaos'], PNPM)).toBeUndefined();
    expect(pnpmBannerNote(['chaos', '--json'], { ...PNPM, npm_config_reporter: 'silent' })).toBeUndefined();
    expect(pnpmBannerNote(['chaos', '--json'], {})).toBeUndefined();
  });
});
