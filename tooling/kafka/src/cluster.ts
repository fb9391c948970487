// A multi-node test cluster (bin/start-cluster.sh) and the fault controls tests drive it with: kill -9 a node,
// restart it, stop it with SIGTERM (controlled shutdown), move leadership. Every control runs its script as a child
// process without blocking the event loop, so the clients under test keep running while a node dies.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/', import.meta.url));
export const DEFAULT_CLUSTER_RUN_DIR = fileURLToPath(new URL('../.run/cluster', import.meta.url));
/** Three JVMs on two cores: formatting and starting them takes ~15 s, more on a loaded machine. */
const START_BUDGET_MS = 240_000;

export interface ClusterNode {
  readonly id: number;
  /** This node's PLAINTEXT address, `127.0.0.1:PORT`. */
  readonly bootstrap: string;
}

export interface ClusterState {
  /** Every node's address, comma-separated. */
  readonly bootstrap: string;
  readonly nodes: readonly ClusterNode[];
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly runDir: string;
}

function run(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(BIN, script), ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/**
 * Starts (or reuses) an N-node cluster. A watchdog stops it once this process is gone, so a test run that dies
 * without teardown leaves no JVM behind; call `stop()` for the normal case.
 */
export async function startCluster(nodes = 3, runDir = DEFAULT_CLUSTER_RUN_DIR): Promise<KafkaCluster> {
  await run(
    'start-cluster.sh',
    [String(nodes)],
    { IDEM_KAFKA_CLUSTER_RUN_DIR: runDir, IDEM_KAFKA_OWNER_PID: String(process.pid) },
    START_BUDGET_MS,
  );
  return KafkaCluster.open(runDir);
}

export class KafkaCluster {
  private constructor(
    readonly state: ClusterState,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The cluster a start left in `runDir` (its state.json). */
  static async open(runDir = DEFAULT_CLUSTER_RUN_DIR): Promise<KafkaCluster> {
    const state = JSON.parse(await readFile(join(runDir, 'state.json'), 'utf8')) as ClusterState;
    return new KafkaCluster(state, { IDEM_KAFKA_CLUSTER_RUN_DIR: state.runDir });
  }

  get bootstrap(): string {
    return this.state.bootstrap;
  }

  get nodeIds(): number[] {
    return this.state.nodes.map((n) => n.id);
  }

  /** SIGKILL: the node dies mid-write, with no controlled shutdown. Resolves once the JVM is gone. */
  async kill(id: number): Promise<void> {
    await run('node.sh', ['kill', String(id)], this.env, 30_000);
  }

  /** Starts a stopped node on its old ports and data; resolves once it answers Metadata. */
  async restart(id: number): Promise<void> {
    await run('node.sh', ['start', String(id)], this.env, START_BUDGET_MS);
  }

  /** SIGTERM: controlled shutdown (the node hands its leaderships off first). Resolves once it exited. */
  async shutdown(id: number): Promise<void> {
    await run('node.sh', ['term', String(id)], this.env, 90_000);
  }

  async isRunning(id: number): Promise<boolean> {
    return run('node.sh', ['pid', String(id)], this.env, 10_000).then(
      () => true,
      () => false,
    );
  }

  /** Restarts every node that is not running (after a scenario left one down). */
  async restartStopped(): Promise<number[]> {
    const stopped: number[] = [];
    for (const id of this.nodeIds) if (!(await this.isRunning(id))) stopped.push(id);
    for (const id of stopped) await this.restart(id);
    return stopped;
  }

  /**
   * Moves leadership of each partition to the node named for it: a reassignment putting that replica first, then
   * ElectLeaders(PREFERRED), run by bin/MoveLeader.java with the broker's own admin client.
   */
  async moveLeadership(topic: string, leaders: ReadonlyMap<number, number>): Promise<string> {
    const libs = join(process.env.IDEM_CACHE ?? join(homedir(), '.cache/idem'), 'kafka-4.3.0/libs/*');
    return new Promise((resolve, reject) => {
      execFile(
        'java',
        [
          '-Xmx128m',
          '-XX:TieredStopAtLevel=1',
          '-XX:+UseSerialGC',
          '-cp',
          libs,
          join(BIN, 'MoveLeader.java'),
          this.bootstrap,
          topic,
          ...[...leaders].map(([partition, leader]) => `${partition}:${leader}`),
        ],
        { timeout: 120_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`MoveLeader failed: ${error.message}\n${stderr}`));
          else resolve(stdout.trim());
        },
      );
    });
  }

  /** Stops every node by PID (SIGTERM, then SIGKILL after the grace) and the watchdog. */
  async stop(): Promise<void> {
    await run('stop.sh', [], { IDEM_KAFKA_RUN_DIR: this.state.runDir }, 90_000);
  }
}
