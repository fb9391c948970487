// idem's producer options → librdkafka properties. Validation first (the core's own rules, the same ConfigError),
// then the mapping; raw librdkafka properties that would weaken idempotence are refused before librdkafka sees them.
import { ConfigError, type ProducerOptions, resolveProducerConfig } from '@idem/core';

/** A librdkafka property value as the binding takes it. */
export type RdkafkaValue = string | number | boolean;

/** What confluentProducer takes: idem's producer options, `bootstrapServers` (required), raw librdkafka properties. */
export interface ConfluentProducerConfig extends ProducerOptions {
  /** `host:port` or a list of them (librdkafka's bootstrap.servers). */
  readonly bootstrapServers: string | readonly string[];
  /**
   * Extra librdkafka properties (CONFIGURATION.md), passed through after validation: properties that would weaken
   * idempotence or the contract (enable.idempotence, acks, max.in.flight > 5, retries < 1, transactional.id,
   * partitioner, statistics off, callbacks) are refused with a ConfigError.
   */
  readonly rdkafka?: Readonly<Record<string, RdkafkaValue>>;
  /** How often librdkafka's statistics (the `eos` section behind `state`) are refreshed. Default 1000 ms. */
  readonly statisticsIntervalMs?: number;
}

/** What resolveConfluentConfig returns: the librdkafka properties and the settings the adapter uses (times in ms). */
export interface ResolvedConfluentConfig {
  /** What librdkafka gets. */
  readonly properties: Readonly<Record<string, RdkafkaValue>>;
  /** librdkafka's delivery.timeout.ms as set in `properties` (a raw `rdkafka` value included). */
  readonly deliveryTimeoutMs: number;
  /** How long connecting, and waiting for space in librdkafka's queue, may take. */
  readonly maxBlockMs: number;
  /** The retries the options asked for (librdkafka gets at most 2147483647); named in RetriesExhaustedError. */
  readonly retries: number;
  /** How often librdkafka's statistics are refreshed. */
  readonly statisticsIntervalMs: number;
  /** The resolved metadata max age (librdkafka's metadata.max.age.ms is set only if it was given). */
  readonly metadataMaxAgeMs: number;
}

const INT32_MAX = 2_147_483_647;

/** Raw properties this adapter sets itself or must not be changed, and why. */
const REFUSED: Readonly<Record<string, (value: RdkafkaValue) => string | null>> = {
  'enable.idempotence': (v) =>
    v === true || v === 'true' ? null : "true: @idem/confluent is librdkafka's idempotent producer",
  acks: (v) => (v === 'all' || v === -1 || v === '-1' ? null : "'all' (-1) under idempotence"),
  'request.required.acks': (v) =>
    v === 'all' || v === -1 || v === '-1' ? null : "'all' (-1) under idempotence",
  'max.in.flight.requests.per.connection': (v) =>
    Number(v) >= 1 && Number(v) <= 5 ? null : 'between 1 and 5 under idempotence',
  'max.in.flight': (v) => (Number(v) >= 1 && Number(v) <= 5 ? null : 'between 1 and 5 under idempotence'),
  retries: (v) => (Number(v) >= 1 ? null : '≥ 1 under idempotence'),
  'message.send.max.retries': (v) => (Number(v) >= 1 ? null : '≥ 1 under idempotence'),
  'transactional.id': () => 'unset: @idem/confluent is not a transactional producer',
  'queuing.strategy': (v) => (v === 'fifo' ? null : "'fifo': any other order reorders records"),
  partitioner: (v) =>
    v === 'murmur2_random' ? null : "'murmur2_random' (the Java client's, as idem's contract promises)",
  'statistics.interval.ms': () => 'set through statisticsIntervalMs (the producer state needs statistics)',
  dr_cb: () => 'unset: the adapter owns delivery reports',
  dr_msg_cb: () => 'unset: the adapter owns delivery reports',
  event_cb: () => 'unset: the adapter owns events',
  'enable.gapless.guarantee': (v) =>
    typeof v === 'boolean' || v === 'true' || v === 'false' ? null : 'a boolean (or use strict)',
};

/** Validates and maps; throws ConfigError for anything invalid. */
export function resolveConfluentConfig(config: ConfluentProducerConfig): ResolvedConfluentConfig {
  if (config === null || typeof config !== 'object') throw new ConfigError('config', config, 'an object');
  const resolved = resolveProducerConfig(config);
  if (!resolved.idempotent)
    throw new ConfigError('idempotent', false, "true: @idem/confluent is librdkafka's idempotent producer");

  const servers = config.bootstrapServers;
  const list = typeof servers === 'string' ? servers.split(',') : Array.isArray(servers) ? servers : null;
  if (
    list === null ||
    list.length === 0 ||
    list.some((s) => typeof s !== 'string' || !/^[^\s:]+:\d+$/.test(s.trim()))
  )
    throw new ConfigError('bootstrapServers', servers, "'host:port' or a list of them");

  const statisticsIntervalMs = config.statisticsIntervalMs ?? 1_000;
  if (
    !Number.isSafeInteger(statisticsIntervalMs) ||
    statisticsIntervalMs < 10 ||
    statisticsIntervalMs > 86_400_000
  )
    throw new ConfigError('statisticsIntervalMs', statisticsIntervalMs, 'an integer between 10 and 86400000');

  const given = config as unknown as Record<string, unknown>;
  const properties: Record<string, RdkafkaValue> = {
    'bootstrap.servers': list.map((s) => s.trim()).join(','),
    'client.id': resolved.clientId,
    'enable.idempotence': true,
    acks: 'all',
    'max.in.flight.requests.per.connection': resolved.maxInFlightRequestsPerConnection,
    retries: Math.min(resolved.retries, INT32_MAX),
    'delivery.timeout.ms': Math.min(resolved.deliveryTimeoutMs, INT32_MAX),
    'request.timeout.ms': Math.min(resolved.requestTimeoutMs, 900_000),
    'linger.ms': resolved.lingerMs,
    'retry.backoff.ms': resolved.retryBackoffMs,
    'retry.backoff.max.ms': resolved.retryBackoffMaxMs,
    'enable.gapless.guarantee': resolved.strict,
    // Kafka's Java partitioner: murmur2 for keyed records, sticky for unkeyed ones.
    partitioner: 'murmur2_random',
    'statistics.interval.ms': statisticsIntervalMs,
  };
  // Sizes keep librdkafka's defaults unless given (its batch.size is 1 MB, not Java's 16 KB).
  if (given.batchSize !== undefined) properties['batch.size'] = resolved.batchSize;
  if (given.maxRequestSize !== undefined) properties['message.max.bytes'] = resolved.maxRequestSize;
  if (given.bufferMemory !== undefined)
    properties['queue.buffering.max.kbytes'] = Math.max(1, Math.ceil(resolved.bufferMemory / 1024));
  if (given.metadataMaxAgeMs !== undefined)
    properties['metadata.max.age.ms'] = Math.max(1, resolved.metadataMaxAgeMs);

  const raw = config.rdkafka ?? {};
  if (raw === null || typeof raw !== 'object')
    throw new ConfigError('rdkafka', raw, 'an object of librdkafka properties');
  for (const [name, value] of Object.entries(raw)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new ConfigError(`rdkafka.${name}`, value, 'a string, number or boolean');
    const check = REFUSED[name];
    const why = check?.(value) ?? null;
    if (why !== null) throw new ConfigError(name, value, why);
    if (
      name === 'enable.gapless.guarantee' &&
      given.strict !== undefined &&
      String(value) !== String(resolved.strict)
    )
      throw new ConfigError(name, value, `the same as strict (${resolved.strict})`);
    properties[name] = value;
  }
  // Unlimited retries + idempotence cannot duplicate; librdkafka still bounds every message by delivery.timeout.ms.
  const deliveryTimeoutMs = Number(properties['delivery.timeout.ms'] ?? properties['message.timeout.ms']);
  return Object.freeze({
    properties: Object.freeze(properties),
    deliveryTimeoutMs,
    maxBlockMs: resolved.maxBlockMs,
    retries: resolved.retries,
    statisticsIntervalMs,
    metadataMaxAgeMs: resolved.metadataMaxAgeMs,
  });
}
