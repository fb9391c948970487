/** Producer options a user may set. Every field is optional; `resolveProducerConfig` fills in the defaults. */
export interface ProducerOptions {
  /** Sent with every request so brokers can tell clients apart in their logs. Default 'idem'. */
  readonly clientId?: string;
  /**
   * Exactly-once per partition: producer id, epoch and sequences. Default true. Set false only to measure what
   * happens without it (the bench does); then the limits below that exist for idempotence do not apply.
   */
  readonly idempotent?: boolean;
  /** Required acknowledgements. Idempotence needs -1 ('all'), the default. */
  readonly acks?: -1 | 0 | 1 | 'all';
  /** Attempts after the first for a batch that failed retriably. Default unbounded. Idempotence needs > 0. */
  readonly retries?: number;
  /** Produce requests outstanding per broker connection, and batches in flight per partition. Default 5, at most 5. */
  readonly maxInFlightRequestsPerConnection?: number;
  /** Upper bound on send → settled, for every record. Default 120000; ≥ lingerMs + requestTimeoutMs. */
  readonly deliveryTimeoutMs?: number;
  /** Time to wait for a produce response before dropping the connection. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Time a batch waits for more records before it is sent. Default 5. */
  readonly lingerMs?: number;
  /** Target size in bytes of a batch. Default 16384. */
  readonly batchSize?: number;
  /** Bytes of records the producer buffers before `send()` waits (back-pressure). Default 33554432. */
  readonly bufferMemory?: number;
  /** Longest a `send()` waits for buffer space or topic metadata before failing. Default 60000. */
  readonly maxBlockMs?: number;
  /** Largest produce request in bytes; also the largest single record. Default 1048576. */
  readonly maxRequestSize?: number;
  /** First retry backoff. Default 100. */
  readonly retryBackoffMs?: number;
  /** Backoff cap for repeated retries. Default 1000. */
  readonly retryBackoffMaxMs?: number;
  /** Metadata older than this is refreshed before use. Default 300000. */
  readonly metadataMaxAgeMs?: number;
  /**
   * Delivery is always bounded: after `deliveryTimeoutMs` every send settles, a batch whose outcome is unknown
   * with `possiblyPersisted: true` (docs/design.md §"Bounded delivery"). `true` is accepted for compatibility with
   * earlier versions; `false` (retry a possibly-written batch for ever) is refused with a ConfigError.
   */
  readonly boundedDelivery?: true;
  /**
   * Strict (gapless) mode, like librdkafka's enable.gapless.guarantee: any event that could leave a gap in a
   * partition (a lost sequence, a rejected batch between accepted ones) is fatal. Default false: a `dataLoss`
   * event reports the gap and the producer continues.
   */
  readonly strict?: boolean;
  /**
   * The brokers' producer.id.expiration.ms. After a partition has been idle this long the broker may have
   * forgotten the producer, so the first batch goes alone again. Default 86400000.
   */
  readonly producerIdExpirationMs?: number;
}
