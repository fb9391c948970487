import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The published package has an ESM and a CJS copy; a process that loads both (a user's CommonJS file
// `require`s @idem/codec, a dependency such as @idem/core `import`s it) gets two module instances. The
// compression registry and the default decompression cap must be one state all the same. Runs the *built*
// output (dist/), by package name, in a plain Node process without the workspace's source condition.
// Run after `pnpm build`.
const dir = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(script: string): unknown {
  const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return JSON.parse(out);
}

describe('compression state across the ESM and CJS copies of dist/', () => {
  it('has both copies built', () => {
    expect(existsSync(join(dir, 'dist/index.cjs'))).toBe(true);
    expect(existsSync(join(dir, 'dist/index.js'))).toBe(true);
  });

  it('a codec registered through require() is the one import() returns, and the other way round', () => {
    const result = run(`
      const cjs = require('@idem/codec');
      const viaRequire = { id: 2, name: 'snappy', compress: (b) => Buffer.from(b), decompress: (b) => Buffer.from(b) };
      cjs.registerCompressionCodec(viaRequire);
      import('@idem/codec').then((esm) => {
        const seenByImport = esm.compressionCodec('snappy') === viaRequire;
        const viaImport = { id: 3, name: 'lz4', compress: (b) => Buffer.from(b), decompress: (b) => Buffer.from(b) };
        esm.registerCompressionCodec(viaImport);
        process.stdout.write(JSON.stringify({
          twoCopies: esm.registerCompressionCodec !== cjs.registerCompressionCodec,
          seenByImport,
          seenByRequire: cjs.compressionCodec(3) === viaImport,
          gzipStillThere: cjs.compressionCodec('gzip').name === 'gzip' && esm.compressionCodec(1).name === 'gzip',
        }));
      });
    `);
    expect(result).toEqual({
      twoCopies: true,
      seenByImport: true,
      seenByRequire: true,
      gzipStillThere: true,
    });
  });
  it('a decompression cap set through require() is the one import() applies, and the other way round', () => {
    const result = run(`
      const cjs = require('@idem/codec');
      const initial = cjs.getDefaultMaxDecompressedBytes();
      cjs.setDefaultMaxDecompressedBytes(1234);
      import('@idem/codec').then((esm) => {
        const seenByImport = esm.getDefaultMaxDecompressedBytes();
        esm.setDefaultMaxDecompressedBytes(5678);
        process.stdout.write(JSON.stringify({
          twoCopies: esm.setDefaultMaxDecompressedBytes !== cjs.setDefaultMaxDecompressedBytes,
          initial,
          seenByImport,
          seenByRequire: cjs.getDefaultMaxDecompressedBytes(),
        }));
      });
    `);
    expect(result).toEqual({ twoCopies: true, initial: 64 * 1024 * 1024, seenByImport: 1234, seenByRequire: 5678 });
  });
});
