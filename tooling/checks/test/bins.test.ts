import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// pnpm links a workspace package's `bin` into each dependent's node_modules/.bin at install time, before
// anything is built: a bin that points into dist/ gives "Failed to create bin" warnings on a fresh clone.
// So the bin of every package another workspace package depends on (and of every published package) is a
// committed, executable file with a shebang.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly bin?: string | Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

const manifests = ['packages', 'apps', 'tooling'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const dir = join(group, d.name);
      try {
        return [{ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest }];
      } catch {
        return [];
      }
    }),
);
const dependedOn = new Set(
  manifests.flatMap(({ pkg }) =>
    Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies }),
  ),
);
// `git ls-files -s`: mode and path of every tracked file.
const tracked = new Map(
  execFileSync('git', ['ls-files', '-s', ...manifests.map((m) => m.dir)], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      return [path, meta.split(' ')[0]] as const;
    }),
);
const linked = manifests.filter(
  ({ pkg }) => pkg.bin !== undefined && (dependedOn.has(pkg.name) || pkg.private !== true),
);

describe('bins that pnpm links at install time', () => {
  it('include the memory broker', () => {
    expect(linked.map(({ pkg }) => pkg.name)).toContain('@idem/memory-broker');
  });

  it.each(linked.map(({ dir, pkg }) => [pkg.name, dir, pkg] as const))(
    '%s: every bin is a committed executable with a shebang',
    (_name, dir, pkg) => {
      const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
      for (const [bin, target] of Object.entries(bins)) {
        const path = normalize(join(dir, target));
        expect(tracked.get(path), `${bin} -> ${path}: tracked as an executable file`).toBe('100755');
        expect(
          readFileSync(join(root, path), 'utf8').startsWith('#!/usr/bin/env node\n'),
          `${path} shebang`,
        ).toBe(true);
      }
    },
  );
});
