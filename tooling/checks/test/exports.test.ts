import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Loads every library's *built* output the way a user's project would: by package name, once
// through `require` (CJS) and once through `import` (ESM), in a plain Node process that knows
// nothing of the workspace's source condition. Run after `pnpm build`.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const libraries = ['codec', 'core', 'memory-broker', 'kafkajs', 'confluent', 'testing'];

function exportNames(cwd: string, code: string, esm: boolean): string[] {
  const args = esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const out = execFileSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe.each(libraries)('@idem/%s built output', (name) => {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };

  it('has ESM, CJS and type declarations in dist/', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(existsSync(join(dir, 'dist', file)), `${name}/dist/${file}`).toBe(true);
    }
  });

  it('loads through require and import with the same public names', () => {
    const viaRequire = exportNames(
      dir,
      `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(pkg.name)})).sort()))`,
      false,
    );
    const viaImport = exportNames(
      dir,
      `const m = await import(${JSON.stringify(pkg.name)}); process.stdout.write(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
      true,
    );
    expect(viaRequire.length).toBeGreaterThan(0);
    expect(viaImport).toEqual(viaRequire);
  });
});
