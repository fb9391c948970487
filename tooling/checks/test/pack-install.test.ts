import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user gets from the registry: each publishable package packed with `pnpm pack` (so publishConfig
// applies, as on `pnpm publish`), installed with npm into a fresh project outside the workspace, then
// loaded from ESM and CJS, its idem-broker bin run, compiled against with tsc (moduleResolution node16, then bundler), and used for
// one send through @idem/core's producer on @idem/memory-broker (and one on @idem/testing's harness). Also runs publint --strict and
// arethetypeswrong on each tarball. The same tarballs are installed with pnpm too, into a second fresh project
// (pnpm's strict layout: a package sees only what it declares), and loaded and run there. Needs `pnpm build`
// first and the npm registry (or npm's and pnpm's caches) for the third-party dependencies (kafkajs, the
// codec's optional native backends, @types/node).
//
// Slow (packing, an npm install, four tsc runs): it runs under CI (CI=true) or with IDEM_PACK_TEST=1, and
// is skipped, saying so, otherwise.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const checks = join(root, 'tooling/checks');
const PACKAGES = ['codec', 'core', 'memory-broker', 'kafkajs', 'confluent', 'testing'] as const;
const NAMES = PACKAGES.map((p) => `@idem/${p}`);
const enabled = process.env.CI === 'true' || process.env.IDEM_PACK_TEST === '1';
const STEP_MS = 180_000;

// The tools are tooling/checks' own devDependencies (pnpm links them under its node_modules).
const bin = {
  tsc: join(checks, 'node_modules/typescript/bin/tsc'),
  publint: join(checks, 'node_modules/publint/src/cli.js'),
  attw: join(checks, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
};
const typesNodeVersion = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
).devDependencies['@types/node'];

// pnpm's bin shims put the workspace's store on NODE_PATH: a child that inherited it would find packages the
// fresh project does not have (e.g. @idem/confluent's native peer), so children get neither it nor NODE_OPTIONS.
const childEnv: NodeJS.ProcessEnv = { ...process.env };
delete childEnv.NODE_PATH;
delete childEnv.NODE_OPTIONS;

function log(message: string): void {
  process.stdout.write(`[pack-install] ${message}\n`);
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command (no shell), bounded in time; resolves with its exit code and output, never rejects. */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: STEP_MS,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...childEnv, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
      (error, stdout, stderr) => {
        const failure = error as { code?: unknown } | null;
        const code = failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
        log(
          `${[command.split('/').at(-1), ...args].join(' ')} (in ${cwd}) -> exit ${code}, ${Date.now() - started} ms`,
        );
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function expectOk(result: Run): void {
  expect({
    code: result.code,
    stderr: result.code === 0 ? '' : result.stderr,
    stdout: result.code === 0 ? '' : result.stdout,
  }).toEqual({ code: 0, stderr: '', stdout: '' });
}

const ESM = `
const names = ${JSON.stringify(NAMES)};
const out = {};
for (const name of names) out[name] = Object.keys(await import(name)).filter((k) => k !== 'default').length;
const { createProducer } = await import('@idem/core');
const { MemoryCluster } = await import('@idem/memory-broker');
const cluster = new MemoryCluster({ brokers: 1, topics: { orders: { partitions: 1 } } });
const producer = createProducer({ transport: cluster.connect(), clientId: 'pack-install' });
const sent = await producer.send({ topic: 'orders', partition: 0, value: 'paid' });
await producer.close();
const { startMemoryBroker } = await import('@idem/testing');
const broker = await startMemoryBroker({ topics: { audit: { partitions: 1 } } });
const viaHarness = createProducer({ transport: broker.server.cluster.connect(), clientId: 'pack-install' });
await viaHarness.send({ topic: 'audit', partition: 0, value: 'logged' });
await viaHarness.close();
out.harness = broker.readLog('audit', 0).map((r) => r.value);
await broker.stop();
const confluent = await import('@idem/confluent');
out.send = { topic: sent.topic, partition: sent.partition, offset: String(sent.offset) };
out.confluentNative = 'module' in confluent.loadNative() ? 'loaded' : 'absent';
process.stdout.write(JSON.stringify(out));
`;

const CJS = `
const names = ${JSON.stringify(NAMES)};
const out = {};
for (const name of names) out[name] = Object.keys(require(name)).length;
out.resolved = require.resolve('@idem/core');
process.stdout.write(JSON.stringify(out));
`;

// A user's CommonJS file sets @idem/codec's state; @idem/core (ESM) would read it through import().
const DUAL_STATE = `
const cjs = require('@idem/codec');
const snappy = { id: 2, name: 'snappy', compress: (b) => Buffer.from(b), decompress: (b) => Buffer.from(b) };
cjs.registerCompressionCodec(snappy);
cjs.setDefaultMaxDecompressedBytes(1234);
import('@idem/codec').then((esm) => {
  process.stdout.write(JSON.stringify({
    twoCopies: esm.compressionCodec !== cjs.compressionCodec,
    codecSeen: esm.compressionCodec('snappy') === snappy,
    capSeen: esm.getDefaultMaxDecompressedBytes(),
  }));
});
`;

const CHECK_TS = `
import { type CompressionName, compressionCodec } from '@idem/codec';
import { createProducer, isIdemError, type Producer, type RecordMetadata } from '@idem/core';
import { loadNative, packageName as confluentName } from '@idem/confluent';
import { packageName as kafkajsName } from '@idem/kafkajs';
import { MemoryCluster } from '@idem/memory-broker';
import { checkDelivery, type MemoryBroker, runProducerContract, type Verdict } from '@idem/testing';

const gzip: CompressionName = compressionCodec('gzip').name;
const cluster = new MemoryCluster({ brokers: 1, topics: { orders: { partitions: 1 } } });
const producer: Producer = createProducer({ transport: cluster.connect(), clientId: 'pack-install' });
export function one(): Promise<RecordMetadata> {
  return producer.send({ topic: 'orders', value: 'paid' });
}
export const names: string[] = [gzip, kafkajsName, confluentName, typeof loadNative, typeof isIdemError];
export const verdict: Verdict = checkDelivery([], []);
export type Broker = MemoryBroker;
export const contract: typeof runProducerContract = runProducerContract;
// The declarations are real types, not any: a partition is a number.
// @ts-expect-error
export const wrong = producer.send({ topic: 'orders', partition: 'zero', value: 'paid' });
`;

const CHECK_CTS = `
import { createProducer } from '@idem/core';
import { MemoryCluster } from '@idem/memory-broker';

const cluster = new MemoryCluster({ brokers: 1 });
export const producer = createProducer({ transport: cluster.connect(), clientId: 'pack-install-cjs' });
`;

function tsconfig(moduleResolution: 'node16' | 'bundler', files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: moduleResolution === 'node16' ? 'node16' : 'esnext',
      moduleResolution,
      types: ['node'],
      strict: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: false,
      noEmit: true,
    },
    files,
  });
}

describe.skipIf(!enabled)('packed tarballs, installed outside the workspace', { timeout: STEP_MS }, () => {
  let work = '';
  let project = '';
  let pnpmProject = '';
  const tarballs: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'idem-pack-install-'));
    const packs = join(work, 'tarballs');
    project = join(work, 'project');
    pnpmProject = join(work, 'project-pnpm');
    mkdirSync(packs);
    mkdirSync(project);
    mkdirSync(pnpmProject);
    log(`working in ${work}`);
    for (const name of PACKAGES) {
      const dir = join(root, 'packages', name);
      expect(existsSync(join(dir, 'dist/index.js')), `packages/${name}/dist: run pnpm build first`).toBe(
        true,
      );
      expectOk(await run('pnpm', ['pack', '--pack-destination', packs], dir));
    }
    tarballs.push(
      ...readdirSync(packs)
        .filter((f) => f.endsWith('.tgz'))
        .map((f) => join(packs, f)),
    );
    expect(tarballs).toHaveLength(PACKAGES.length);
    const manifest = { name: 'idem-pack-install-check', version: '0.0.0', private: true, type: 'module' };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // pnpm resolves a tarball's own @idem/* dependencies from the registry unless told otherwise: every
    // @idem/* name, wherever it is asked for, is its tarball here.
    const local = Object.fromEntries(
      tarballs.map((t) => [
        `@idem/${t
          .split('/')
          .at(-1)!
          .replace(/^idem-/, '')
          .replace(/-\d+\.\d+\.\d+.*$/, '')}`,
        `file:${t}`,
      ]),
    );
    expect(Object.keys(local).sort()).toEqual([...NAMES].sort());
    writeFileSync(
      join(pnpmProject, 'package.json'),
      `${JSON.stringify({ ...manifest, dependencies: local, pnpm: { overrides: local } }, null, 2)}\n`,
    );
    expectOk(
      await run(
        'npm',
        [
          'install',
          ...tarballs,
          `@types/node@${typesNodeVersion}`,
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--ignore-scripts',
          '--loglevel=error',
        ],
        project,
      ),
    );
    expectOk(
      await run(
        'pnpm',
        ['install', '--prefer-offline', '--ignore-scripts', '--config.node-linker=isolated'],
        pnpmProject,
      ),
    );
  }, 5 * STEP_MS);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('packed package.json has no @idem/source condition, and every published file is in the tarball', () => {
    for (const name of PACKAGES) {
      const installed = join(project, 'node_modules/@idem', name);
      const text = readFileSync(join(installed, 'package.json'), 'utf8');
      expect(text, `@idem/${name}`).not.toContain('@idem/source');
      expect(text, `@idem/${name}`).not.toContain('workspace:');
      expect(existsSync(join(installed, 'LICENSE')), `@idem/${name}/LICENSE`).toBe(true);
      expect(existsSync(join(installed, 'src')), `@idem/${name}/src`).toBe(false);
    }
  });

  it('idem-broker runs from the installed tarball: one ESM build that imports the library', async () => {
    const installed = join(project, 'node_modules/@idem/memory-broker');
    // Built once (no CJS copy, no declarations) ...
    expect(readdirSync(join(installed, 'dist')).filter((f) => f.startsWith('cli.'))).toEqual([
      'cli.js',
      'cli.js.map',
    ]);
    // ... and importing the broker from the package, not carrying a second bundled copy of it.
    const cli = readFileSync(join(installed, 'dist/cli.js'), 'utf8');
    expect(cli).toContain('from "@idem/memory-broker"');
    expect(cli).not.toContain('MemoryBrokerServer = class');
    expect(cli).not.toContain('MemoryCluster = class');
    const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      version: string;
    };
    const result = await run(join(project, 'node_modules/.bin/idem-broker'), ['--version'], project);
    expectOk(result);
    expect(result.stdout.trim()).toBe(version);
  });

  it("@idem/confluent's optional peer is not installed", () => {
    expect(existsSync(join(project, 'node_modules/@confluentinc/kafka-javascript'))).toBe(false);
  });

  it('imports every package from ESM and sends one record through @idem/core on @idem/memory-broker', async () => {
    writeFileSync(join(project, 'esm.mjs'), ESM);
    const result = await run(process.execPath, ['esm.mjs'], project);
    expectOk(result);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    log(`esm: ${result.stdout}`);
    for (const name of NAMES) expect(out[name], name).toBeGreaterThan(0);
    expect(out.send).toEqual({ topic: 'orders', partition: 0, offset: '0' });
    expect(out.harness).toEqual(['logged']);
    expect(out.confluentNative).toBe('absent');
  });

  it('requires every package from CJS', async () => {
    writeFileSync(join(project, 'cjs.cjs'), CJS);
    const result = await run(process.execPath, ['cjs.cjs'], project);
    expectOk(result);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    log(`cjs: ${result.stdout}`);
    for (const name of NAMES) expect(out[name], name).toBeGreaterThan(0);
    expect(out.resolved).toMatch(/node_modules\/@idem\/core\/dist\/index\.cjs$/);
  });

  it("@idem/codec's process-wide state is one for its ESM and CJS copies (codec registry, decompression cap)", async () => {
    writeFileSync(join(project, 'dual.cjs'), DUAL_STATE);
    const result = await run(process.execPath, ['dual.cjs'], project);
    expectOk(result);
    expect(JSON.parse(result.stdout)).toEqual({ twoCopies: true, codecSeen: true, capSeen: 1234 });
  });

  it.each(['node16', 'bundler'] as const)(
    'type-checks against the declarations with moduleResolution %s',
    async (resolution) => {
      writeFileSync(join(project, 'check.ts'), CHECK_TS);
      writeFileSync(join(project, 'check.cts'), CHECK_CTS);
      const files = resolution === 'node16' ? ['check.ts', 'check.cts'] : ['check.ts'];
      writeFileSync(join(project, `tsconfig.${resolution}.json`), tsconfig(resolution, files));
      expectOk(await run(process.execPath, [bin.tsc, '-p', `tsconfig.${resolution}.json`], project));
    },
  );

  it("with pnpm's strict layout: imports from ESM, requires from CJS, sends, and runs idem-broker", async () => {
    // Each package finds only its declared dependencies here (node_modules/.pnpm), not hoisted neighbours.
    expect(existsSync(join(pnpmProject, 'node_modules/.pnpm')), 'an isolated pnpm layout').toBe(true);
    writeFileSync(join(pnpmProject, 'esm.mjs'), ESM);
    const esm = await run(process.execPath, ['esm.mjs'], pnpmProject);
    expectOk(esm);
    const out = JSON.parse(esm.stdout) as Record<string, unknown>;
    log(`pnpm esm: ${esm.stdout}`);
    for (const name of NAMES) expect(out[name], name).toBeGreaterThan(0);
    expect(out.send).toEqual({ topic: 'orders', partition: 0, offset: '0' });
    expect(out.harness).toEqual(['logged']);
    writeFileSync(join(pnpmProject, 'cjs.cjs'), CJS);
    const cjs = await run(process.execPath, ['cjs.cjs'], pnpmProject);
    expectOk(cjs);
    for (const name of NAMES)
      expect((JSON.parse(cjs.stdout) as Record<string, unknown>)[name], name).toBeGreaterThan(0);
    const broker = await run(join(pnpmProject, 'node_modules/.bin/idem-broker'), ['--version'], pnpmProject);
    expectOk(broker);
    expect(broker.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('publint --strict finds nothing in any tarball', async () => {
    for (const tarball of tarballs) {
      const result = await run(process.execPath, [bin.publint, '--strict', tarball], project);
      expectOk(result);
      expect(result.stdout, tarball).toContain('All good!');
    }
  });

  it('arethetypeswrong finds no problem in any tarball', async () => {
    for (const tarball of tarballs) {
      const result = await run(process.execPath, [bin.attw, tarball, '--format', 'ascii'], project);
      expectOk(result);
      expect(result.stdout, tarball).toContain('No problems found');
    }
  });
});

describe.skipIf(enabled)('packed tarballs (skipped)', () => {
  it('runs under CI=true or IDEM_PACK_TEST=1 only', () => {
    log('skipped: set IDEM_PACK_TEST=1 (CI sets CI=true) to pack, install and check the published packages');
  });
});
