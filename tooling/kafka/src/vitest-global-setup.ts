// Vitest globalSetup: makes a real Kafka broker available to integration tests.
//
// - KAFKA_BOOTSTRAP set: use that cluster as is (KAFKA_SASL_BOOTSTRAP optional), start nothing.
// - otherwise: run bin/start.sh (fetches the jars on first use, or reuses a healthy broker
//   already running from the same run dir) and stop it again at teardown, but only if this
//   setup started it and IDEM_KEEP_KAFKA is not 1.
// - start failure: with CI=true or IDEM_REQUIRE_KAFKA=1 the run fails loudly; otherwise
//   tests see { bootstrap: null, reason } and describeKafka() reports them as skipped.
// - IDEM_KAFKA_CLUSTER_NODES=N (N ≥ 2): also starts an N-node cluster (bin/start-cluster.sh), provided as
//   `kafkaCluster`, and stops it at teardown; suites that start their own (the failover suite) then reuse it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startCluster } from './cluster.js';
import type { KafkaTarget } from './types.js';

const START_SH = fileURLToPath(new URL('../bin/start.sh', import.meta.url));
const STOP_SH = fileURLToPath(new URL('../bin/stop.sh', import.meta.url));
/** First run downloads ~45 MB of jars; later starts take a few seconds. */
const START_BUDGET_MS = Number(process.env.IDEM_KAFKA_SETUP_TIMEOUT_MS ?? 180_000);
/** start.sh prints this on stderr when it hands back a broker it did not start. */
const REUSED_MARKER = 'reusing running broker';
const BOOTSTRAP_RE = /^127\.0\.0\.1:\d{1,5}$/;

function note(message: string): void {
  process.stderr.write(`[idem kafka] ${message}\n`);
}

function kafkaRequired(): boolean {
  return process.env.CI === 'true' || process.env.IDEM_REQUIRE_KAFKA === '1';
}

/** The single broker's run dir: stop.sh without one would also stop a cluster (.run/cluster) a suite started. */
const RUN_DIR = process.env.IDEM_KAFKA_RUN_DIR || fileURLToPath(new URL('../.run', import.meta.url));

function runStop(): void {
  const res = spawnSync('bash', [STOP_SH], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, IDEM_KAFKA_RUN_DIR: RUN_DIR },
  });
  if (res.status !== 0) {
    note(`stop.sh failed (status ${res.status}): ${(res.stderr ?? '').trim()}`);
  }
}

/** start.sh records the SASL_PLAINTEXT address in <run dir>/state.json. */
function readSaslBootstrap(): string | null {
  try {
    const state = JSON.parse(readFileSync(join(RUN_DIR, 'state.json'), 'utf8')) as {
      saslBootstrap?: unknown;
    };
    return typeof state.saslBootstrap === 'string' && BOOTSTRAP_RE.test(state.saslBootstrap)
      ? state.saslBootstrap
      : null;
  } catch {
    return null;
  }
}

export default async function setup(project: TestProject): Promise<(() => void | Promise<void>) | undefined> {
  const nodes = Number(process.env.IDEM_KAFKA_CLUSTER_NODES ?? 0);
  project.provide('kafkaCluster', null);
  if (!(nodes >= 2)) return setupBroker(project);
  const t0 = Date.now();
  const cluster = await startCluster(nodes);
  note(
    `started a ${nodes}-node cluster at ${cluster.bootstrap} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  project.provide('kafkaCluster', { bootstrap: cluster.bootstrap, runDir: cluster.state.runDir });
  const stopBroker = await setupBroker(project);
  return async () => {
    stopBroker?.();
    await cluster.stop();
  };
}

async function setupBroker(project: TestProject): Promise<(() => void) | undefined> {
  const external = process.env.KAFKA_BOOTSTRAP?.trim();
  if (external) {
    const target: KafkaTarget = {
      bootstrap: external,
      saslBootstrap: process.env.KAFKA_SASL_BOOTSTRAP?.trim() || null,
      reason: null,
    };
    note(`using KAFKA_BOOTSTRAP=${external}`);
    project.provide('kafka', target);
    return undefined;
  }

  const started = Date.now();
  const res = spawnSync('bash', [START_SH], {
    encoding: 'utf8',
    timeout: START_BUDGET_MS,
    killSignal: 'SIGTERM',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const stdout = res.stdout ?? '';
  const stderr = res.stderr ?? '';
  const lastLine = stdout.trim().split('\n').pop()?.trim() ?? '';

  if (res.status === 0 && BOOTSTRAP_RE.test(lastLine)) {
    const reused = stderr.includes(REUSED_MARKER);
    const target: KafkaTarget = { bootstrap: lastLine, saslBootstrap: readSaslBootstrap(), reason: null };
    note(
      `${reused ? 'reusing' : 'started'} Kafka 4.3.0 at ${lastLine}` +
        ` (SASL ${target.saslBootstrap ?? 'n/a'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    project.provide('kafka', target);
    if (reused || process.env.IDEM_KEEP_KAFKA === '1') return undefined;
    return () => runStop();
  }

  let why: string;
  if (res.error) {
    why = `start.sh could not run or timed out after ${START_BUDGET_MS} ms: ${res.error.message}`;
  } else if (res.status !== 0) {
    const error = stderr.match(/ERROR: (.*)$/m)?.[1];
    why = `start.sh exited with ${res.status ?? res.signal}${error ? `: ${error}` : ''}`;
  } else {
    why = `start.sh printed no bootstrap address (last line: ${JSON.stringify(lastLine)})`;
  }
  // A timed-out start.sh may have left a JVM behind.
  runStop();

  if (kafkaRequired()) {
    throw new Error(
      `Kafka broker is required (CI=true or IDEM_REQUIRE_KAFKA=1) but did not start: ${why}\n${stderr}${stdout}`,
    );
  }
  note(`no Kafka broker, integration suites will be skipped: ${why}`);
  if (stderr.trim()) note(stderr.trim().split('\n').slice(-20).join('\n'));
  project.provide('kafka', { bootstrap: null, saslBootstrap: null, reason: why });
  return undefined;
}
