import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of a package README is TypeScript a reader can paste (the `## Example` section must have
// one): each is written next to its package (so the package's own name and its dependencies resolve as in a dependent
// project, against the sources through the workspace's `@idem/source` condition) and type-checked with the
// repository's strict settings. A README example that stopped compiling fails here.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PACKAGES = ['codec', 'core', 'memory-broker', 'kafkajs', 'confluent', 'testing'] as const;
const tsc = join(root, 'tooling/checks/node_modules/typescript/bin/tsc');

/** The ```ts blocks of the README's `## Example` section. */
export function exampleBlocks(markdown: string): string[] {
  const start = markdown.search(/^## Example\b.*$/m);
  if (start < 0) return [];
  const rest = markdown.slice(start);
  const next = rest.slice(3).search(/^## /m);
  const section = next < 0 ? rest : rest.slice(0, next + 3);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/** Every ```ts block of the README. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('README TypeScript', () => {
  const files: string[] = [];
  for (const name of PACKAGES) {
    it(`packages/${name}/README.md has an Example section with TypeScript, and all its TypeScript is collected`, () => {
      const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
      const example = exampleBlocks(readme);
      expect(example.length, `packages/${name}/README.md: ## Example with a \`\`\`ts block`).toBeGreaterThan(
        0,
      );
      const blocks = tsBlocks(readme);
      const dir = mkdtempSync(join(root, 'packages', name, '.readme-example-'));
      dirs.push(dir);
      blocks.forEach((code, i) => {
        const file = join(dir, `example-${i}.mts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        files.push(file);
      });
    });
  }

  it('type-check with the repository settings', { timeout: 180_000 }, async () => {
    expect(files.length).toBeGreaterThanOrEqual(PACKAGES.length);
    const dir = mkdtempSync(join(root, 'tooling/checks', '.readme-tsconfig-'));
    dirs.push(dir);
    const config = join(dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: relative(dir, join(root, 'tooling/tsconfig/base.json')),
        compilerOptions: { noUnusedLocals: false },
        files: files.map((f) => relative(dir, f)),
      }),
    );
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [tsc, '-p', config],
        { cwd: root, timeout: 170_000 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, out: `${stdout}${stderr}` }),
      );
    });
    expect(result.out.split('\n').filter((line) => line.trim() !== '')).toEqual([]);
    expect(result.code).toBe(0);
  });
});
