// Test helpers for integration suites that need a real Kafka broker.
// The broker comes from ./vitest-global-setup.ts (bin/start.sh or KAFKA_BOOTSTRAP).
import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';
import type { KafkaTarget } from './types.js';

export type { KafkaClusterTarget, KafkaTarget } from './types.js';
export { SASL_PLAIN_CREDENTIALS } from './types.js';

/** The broker the global setup provided; `bootstrap` is null (with a `reason`) when there is none. */
export function kafkaTarget(): KafkaTarget {
  const target = inject('kafka');
  if (!target) {
    return {
      bootstrap: null,
      saslBootstrap: null,
      reason: 'no kafka target provided: tooling/kafka/src/vitest-global-setup.ts is not in globalSetup',
    };
  }
  return target;
}

/** Like kafkaTarget(), but throws when no broker is available (for use inside describeKafka). */
export function requireBootstrap(): string {
  const { bootstrap, reason } = kafkaTarget();
  if (!bootstrap) throw new Error(`no Kafka broker available: ${reason ?? 'unknown reason'}`);
  return bootstrap;
}

/**
 * `describe` for suites that need Kafka. Without a broker the suite is skipped and its name
 * carries the reason, so the report shows "<name> [skipped: <reason>]" instead of a silent pass.
 */
export function describeKafka(name: string, fn: () => void): void {
  const { bootstrap, reason } = kafkaTarget();
  const title = bootstrap ? name : `${name} [skipped: ${reason ?? 'no Kafka broker'}]`;
  describe.skipIf(!bootstrap)(title, fn);
}

/** A topic name no other test (or earlier run against the same broker) uses. */
export function uniqueTopic(prefix = 'idem-test'): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 180);
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export {
  type ClusterNode,
  type ClusterState,
  DEFAULT_CLUSTER_RUN_DIR,
  KafkaCluster,
  startCluster,
} from './cluster.js';
