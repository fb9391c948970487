// kafkajs's producer options mapped onto idem's. A kafkajs option that would weaken idempotence is refused with
// idem's ConfigError (key, value, requirement) instead of being silently overridden (platformatic#262's mistake).
import { type CompressionName, COMPRESSION_NAMES } from '@idem/codec';
import { ConfigError, type ProducerOptions } from '@idem/core';
import { type ICustomPartitioner, Partitioners, type ProducerConfig } from 'kafkajs';
import type { KafkajsTransportOptions } from '../transport/index.js';

/** idem options that kafkajs has no name for (batching, timeouts, bounded delivery, ...). */
export type IdemProducerOptions = Omit<ProducerOptions, 'clientId'> & {
  /** Compression of every batch this producer writes. Default 'none'. */
  readonly compression?: CompressionName;
  /** Options of the kafkajs Transport (flexible versions, timeout margin). */
  readonly transport?: Omit<KafkajsTransportOptions, 'allowAutoTopicCreation' | 'metadataMaxAgeMs'>;
};

/** `kafka.producer(options)`'s options, plus `idem` for idem's own. */
export interface IdempotentProducerConfig extends ProducerConfig {
  readonly idem?: IdemProducerOptions;
}

export interface ResolvedAdapterOptions {
  readonly producer: ProducerOptions;
  readonly transport: KafkajsTransportOptions;
  readonly compression: CompressionName;
}

/** kafkajs partitioners whose choice for keyed records is Java's murmur2, which idem implements itself. */
const JAVA_COMPATIBLE = new Set<ICustomPartitioner>([
  Partitioners.DefaultPartitioner,
  Partitioners.JavaCompatiblePartitioner,
]);

const WHY = "with idem's idempotent producer";

/** Throws ConfigError for the first option that conflicts with idempotence; never overrides one. */
export function resolveAdapterOptions(
  config: IdempotentProducerConfig = {},
  clientId: string | undefined,
): ResolvedAdapterOptions {
  const idem = config.idem ?? {};
  // The explicit opt-out is idem's own `idempotent: false`; kafkajs's default (false) must not switch it off.
  const optedOut = idem.idempotent === false;
  if (config.transactionalId !== undefined) {
    throw new ConfigError(
      'transactionalId',
      config.transactionalId,
      `unset: transactions are not supported ${WHY}`,
    );
  }
  if (config.idempotent === false && !optedOut) {
    throw new ConfigError(
      'idempotent',
      false,
      `true or unset ${WHY}; to measure without idempotence set idem: { idempotent: false } as well`,
    );
  }
  if (config.createPartitioner !== undefined && !JAVA_COMPATIBLE.has(config.createPartitioner)) {
    throw new ConfigError(
      'createPartitioner',
      config.createPartitioner.name || 'a custom partitioner',
      `unset or Partitioners.DefaultPartitioner: idem partitions keyed records by Java's murmur2 itself`,
    );
  }
  const producer: Record<string, unknown> = { ...withoutAdapterKeys(idem) };
  if (clientId !== undefined) producer.clientId = clientId;
  if (config.maxInFlightRequests !== undefined && config.maxInFlightRequests !== null) {
    // Named by kafkajs's key so the error points at what the user wrote.
    if (!optedOut && !(config.maxInFlightRequests >= 1 && config.maxInFlightRequests <= 5)) {
      throw new ConfigError(
        'maxInFlightRequests',
        config.maxInFlightRequests,
        `between 1 and 5 ${WHY}: the broker deduplicates only the last 5 batches per producer`,
      );
    }
    producer.maxInFlightRequestsPerConnection = config.maxInFlightRequests;
  }
  const retry = config.retry;
  if (retry?.retries !== undefined) {
    if (!optedOut && !(retry.retries >= 1)) {
      throw new ConfigError(
        'retry.retries',
        retry.retries,
        `≥ 1 ${WHY}: a lost acknowledgement must be retried`,
      );
    }
    producer.retries = retry.retries;
  }
  if (retry?.initialRetryTime !== undefined) producer.retryBackoffMs = retry.initialRetryTime;
  if (retry?.maxRetryTime !== undefined) producer.retryBackoffMaxMs = retry.maxRetryTime;
  if (config.metadataMaxAge !== undefined) producer.metadataMaxAgeMs = config.metadataMaxAge;

  const compression = idem.compression ?? 'none';
  if (!COMPRESSION_NAMES.includes(compression)) {
    throw new ConfigError('idem.compression', compression, `one of ${COMPRESSION_NAMES.join(', ')}`);
  }
  return {
    producer: producer as ProducerOptions,
    transport: {
      ...idem.transport,
      ...(config.allowAutoTopicCreation === undefined
        ? {}
        : { allowAutoTopicCreation: config.allowAutoTopicCreation }),
      ...(config.metadataMaxAge === undefined ? {} : { metadataMaxAgeMs: config.metadataMaxAge }),
    },
    compression,
  };
}

/** A send's `acks`: kafkajs takes it per call; anything but -1 (its default) gives up idempotence. */
export function checkSendAcks(acks: number | undefined, idempotent: boolean): void {
  if (acks === undefined || acks === -1 || !idempotent) return;
  throw new ConfigError('acks', acks, `-1 (all replicas) ${WHY}`);
}

/** A send's `compression` (kafkajs CompressionTypes, 0..4) must be the producer's: batches mix sends. */
export function checkSendCompression(
  compression: number | undefined,
  producerCompression: CompressionName,
): void {
  if (compression === undefined) return;
  const name = COMPRESSION_NAMES[compression];
  if (name === producerCompression || (compression === 0 && producerCompression === 'none')) return;
  throw new ConfigError(
    'compression',
    compression,
    `this producer's compression (${producerCompression}); records of many sends share a batch, so set it once with idem: { compression: '${name ?? 'none'}' }`,
  );
}

function withoutAdapterKeys(idem: IdemProducerOptions): ProducerOptions {
  const { compression: _c, transport: _t, ...rest } = idem;
  return rest;
}
