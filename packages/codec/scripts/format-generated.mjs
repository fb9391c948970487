// Runs the repository's Biome formatter over generated files so they look like hand-written ones.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function formatWithBiome(...files) {
  const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
  if (!existsSync(biome)) {
    console.error(
      'biome not installed: generated files left unformatted (run pnpm install, then regenerate)',
    );
    return;
  }
  execFileSync(biome, ['format', '--write', ...files], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
