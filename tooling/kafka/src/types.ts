/** What the global setup hands to tests through vitest's `provide`/`inject`. */
export interface KafkaTarget {
  /** PLAINTEXT bootstrap, e.g. "127.0.0.1:39092"; null when no broker is available. */
  bootstrap: string | null;
  /** SASL_PLAINTEXT (mechanism PLAIN, user idem / password idem-secret) bootstrap, if any. */
  saslBootstrap: string | null;
  /** Why there is no broker (only set when bootstrap is null). */
  reason: string | null;
}

/** Credentials of the SASL_PLAINTEXT listener that bin/start.sh configures. */
export const SASL_PLAIN_CREDENTIALS = {
  mechanism: 'plain',
  username: 'idem',
  password: 'idem-secret',
} as const;

/** A cluster the global setup started because IDEM_KAFKA_CLUSTER_NODES asked for one; open it with KafkaCluster.open(runDir). */
export interface KafkaClusterTarget {
  readonly bootstrap: string;
  readonly runDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kafka: KafkaTarget;
    /** null unless IDEM_KAFKA_CLUSTER_NODES (≥ 2) was set for the run. */
    kafkaCluster: KafkaClusterTarget | null;
  }
}
