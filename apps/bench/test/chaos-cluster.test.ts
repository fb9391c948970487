// `chaos --broker cluster` without a Kafka cluster: the argument errors, the run-dir matching, and the n/a reasons of
// the cells that need node controls, on the memory broker's TCP server standing in for a cluster found at
// `--bootstrap` with no run dir. Then, only with IDEM_BENCH_CLUSTER_TEST=1 and Java (it starts or reuses 3 JVMs),
// one leader-killed cell on a real 3-node cluster.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MemoryBrokerServer, realClock, silentLogger } from '@idem/memory-broker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterMismatch, openCluster } from '../src/chaos/cluster.js';
import { type ChaosRow, runChaosMatrix } from '../src/chaos/matrix.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');

async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('chaos --broker cluster: arguments', () => {
  it.each([
    [['chaos', '--broker', 'cluster', '--bootstrap', '127.0.0.1'], /^error: --bootstrap wants host:port/],
    [['chaos', '--broker', 'cluster', '--bootstrap', '127.0.0.1:1,x:99999'], /^error: --bootstrap wants/],
    [
      ['chaos', '--broker', 'cluster', '--scenarios', 'leader-kiled'],
      /^error: unknown scenario 'leader-kiled'/,
    ],
    [['all', '--broker', 'cluster'], /^error: --broker cluster: not for all/],
  ])('%j: one error line, exit 2, nothing on stdout', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('--help names the cluster and --bootstrap', async () => {
    const r = await cli(['chaos', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cluster/);
    expect(r.stdout).toMatch(/--bootstrap <list>/);
  });
});

describe('the cluster run dir', () => {
  it('matches a --bootstrap list whatever its order, and says why not otherwise', () => {
    expect(
      clusterMismatch('127.0.0.1:3,127.0.0.1:1,127.0.0.1:2', '127.0.0.1:1,127.0.0.1:2,127.0.0.1:3', '/r'),
    ).toBe(null);
    expect(clusterMismatch('127.0.0.1:9', '127.0.0.1:1,127.0.0.1:2', '/r')).toMatch(
      /^the cluster in \/r is 127\.0\.0\.1:1,127\.0\.0\.1:2, not 127\.0\.0\.1:9 \(set IDEM_KAFKA_CLUSTER_RUN_DIR/,
    );
  });

  it('without state.json the node controls are a reason; with another cluster in it, the mismatch', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'idem-bench-cluster-'));
    try {
      const none = await openCluster({ bootstrap: '127.0.0.1:1', runDir: dir });
      expect(none.broker).toBe('cluster');
      expect(none.nodes).toMatch(/^no run dir of the cluster at --bootstrap \(no .*state\.json\)/);
      await writeFile(
        path.join(dir, 'state.json'),
        JSON.stringify({
          bootstrap: '127.0.0.1:5,127.0.0.1:6,127.0.0.1:7',
          nodes: [5, 6, 7].map((p, i) => ({ id: i + 1, bootstrap: `127.0.0.1:${p}` })),
          replicationFactor: 3,
          minInsyncReplicas: 2,
          runDir: dir,
        }),
      );
      const other = await openCluster({ bootstrap: '127.0.0.1:1', runDir: dir });
      expect(other.nodes).toMatch(/^the cluster in .* is 127\.0\.0\.1:5,127\.0\.0\.1:6,127\.0\.0\.1:7, not/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('chaos --broker cluster at a --bootstrap without a run dir (the memory broker as the cluster)', () => {
  let server: MemoryBrokerServer;
  let rows: ChaosRow[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'idem-bench-cluster-'));
    // Idle producers looked for every second, as tooling/kafka's brokers do: producer-state-lost runs for real.
    server = await MemoryBrokerServer.start({
      brokers: 3,
      clock: realClock,
      logger: silentLogger,
      producerIdExpirationCheckIntervalMs: 1_000,
    });
    rows = await runChaosMatrix({
      broker: 'cluster',
      bootstrap: server.bootstrapServers,
      clusterRunDir: dir,
      clients: ['idem'],
      scenarios: ['ack-lost', 'leader-moved', 'leader-killed', 'producer-state-lost'],
      quick: true,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the proxy scenarios on every node, read back by the checker', () => {
    const ackLost = rows.find((r) => r.scenario === 'ack-lost');
    expect(ackLost?.broker).toBe('cluster');
    expect(ackLost?.na, ackLost?.reasons.join('; ')).toBeUndefined();
    expect(ackLost?.records).toBe(20);
    expect([ackLost?.duplicates, ackLost?.losses, ackLost?.reorders, ackLost?.unsettled]).toEqual([
      0, 0, 0, 0,
    ]);
    // A cluster found at --bootstrap was neither started nor stopped here, and says so on every row.
    for (const row of rows) expect(row.cluster).toEqual({ origin: 'given', startMs: null, stopMs: null });
    expect(ackLost?.faultSteps).toBeUndefined();
  });

  it('the node scenarios are n/a cells saying why: no run dir to kill or move nodes with', () => {
    for (const scenario of ['leader-moved', 'leader-killed']) {
      const row = rows.find((r) => r.scenario === scenario);
      expect(row?.na).toMatch(
        /^the cluster's nodes cannot be controlled: no run dir of the cluster at --bootstrap/,
      );
      expect(row?.records).toBe(0);
      expect(row?.reasons).toEqual([`n/a: ${row?.na}`]);
    }
  });

  it('producer-state-lost expires the state through the dynamic producer.id.expiration.ms, then loses an ack', () => {
    const row = rows.find((r) => r.scenario === 'producer-state-lost');
    expect(row?.na).toBeUndefined();
    expect(row?.reasons, row?.reasons.join('; ')).toEqual([]);
    expect(row?.records).toBe(20);
    expect([row?.duplicates, row?.losses, row?.reorders, row?.unsettled]).toEqual([0, 0, 0, 0]);
    // The state was really gone: the broker logged the expiry of the cell's producer.
    expect(
      server.cluster.events.some(
        (e) => e.kind === 'producers-expired' && e.topic?.includes('producer-state-lost'),
      ),
    ).toBe(true);
  });
});

const hasJava = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();
const wanted = process.env.IDEM_BENCH_CLUSTER_TEST === '1';

describe.skipIf(!hasJava || !wanted)(
  `chaos --broker cluster on 3 Kafka nodes${hasJava ? '' : ' [skipped: no java]'}${wanted ? '' : ' [skipped: set IDEM_BENCH_CLUSTER_TEST=1; it starts 3 JVMs, or reuses IDEM_KAFKA_CLUSTER_RUN_DIR]'}`,
  () => {
    it('leader-killed: the leader is kill -9ed and restarted, idem writes every record once, in order', async () => {
      const rows = await runChaosMatrix({
        broker: 'cluster',
        clients: ['idem-kafkajs'],
        scenarios: ['leader-killed'],
        quick: true,
      });
      const [row] = rows;
      expect(row?.na, row?.reasons.join('; ')).toBeUndefined();
      expect(row?.records).toBe(40);
      expect([row?.duplicates, row?.losses, row?.reorders, row?.unsettled], row?.reasons.join('; ')).toEqual([
        0, 0, 0, 0,
      ]);
      // The fault really happened: the leader killed, another node seen leading, the victim back.
      const steps = row?.faultSteps ?? [];
      expect(steps.map((s) => s.step)).toEqual(['killed', 'new-leader-visible', 'restarted']);
      expect(steps[1]?.node).not.toBe(steps[0]?.node);
      expect(steps[2]?.node).toBe(steps[0]?.node);
      expect(row?.cluster?.origin).toMatch(/^(started|reused)$/);
    }, 600_000);
  },
);
