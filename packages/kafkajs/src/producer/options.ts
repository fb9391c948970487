// kafkajs's producer options mapped onto idem's. A kafkajs option that would weaken idempotence is refused with
// idem's ConfigError (key, value, requirement) instead of being silently overridden (platformatic#262's mistake).
import {
  COMPRESSION_NAMES,
  type CompressionName,
  CompressionLibraryMissingError,
  compressionCodec,
} from '@idem/codec';
import { ConfigError, type ProducerOptions } from '@idem/core';
import { type ICustomPartitioner, Partitioners, type ProducerConfig } from 'kafkajs';
import type { KafkajsTransportOptions } from '../transport/index.js';

/** idem options that kafkajs has no name for (batching, timeouts, bounded delivery, ...). */
export type IdemProducerOptions = Omit<ProducerOptions, 'clientId'> & {
  /** Compression of every batch this producer writes. Default 'none'. */
  readonly compression?: CompressionName;
  /** Options of the kafkajs Transport (flexible versions, timeout margin). */
  readonly transport?: Omit<KafkajsTransportOptions, 'allowAutoTopicCreation' | 'metadataMaxAgeMs'>;
  /**
   * Longest `disconnect()` waits for pending sends before failing the rest with `ProducerClosedError`
   * (`possiblyPersisted` when they were sent). Default 10000.
   */
  readonly disconnectTimeoutMs?: number;
};

export const DEFAULT_DISCONNECT_TIMEOUT_MS = 10_000;

/** Every key `idem` may hold; anything else is a typo and refused. */
const IDEM_KEYS = new Set([
  'idempotent',
  'acks',
  'retries',
  'maxInFlightRequestsPerConnection',
  'deliveryTimeoutMs',
  'requestTimeoutMs',
  'lingerMs',
  'batchSize',
  'bufferMemory',
  'maxBlockMs',
  'maxRequestSize',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'metadataMaxAgeMs',
  'boundedDelivery',
  'strict',
  'producerIdExpirationMs',
  'compression',
  'transport',
  'disconnectTimeoutMs',
]);
const TRANSPORT_KEYS = new Set(['flexibleVersions', 'requestTimeoutMarginMs']);
/** kafkajs's producer options; any other top-level key is ignored by kafkajs and warned about here. */
const KAFKAJS_KEYS = new Set([
  'createPartitioner',
  'retry',
  'metadataMaxAge',
  'allowAutoTopicCreation',
  'idempotent',
  'transactionalId',
  'transactionTimeout',
  'maxInFlightRequests',
  'idem',
]);
/** kafkajs's backoff shape, which idem's is (doubling, ±20% jitter): these values are honoured as they are. */
const IDEM_BACKOFF = { factor: 0.2, multiplier: 2 } as const;

/** `kafka.producer(options)`'s options, plus `idem` for idem's own. */
export interface IdempotentProducerConfig extends ProducerConfig {
  readonly idem?: IdemProducerOptions;
}

export interface ResolvedAdapterOptions {
  readonly producer: ProducerOptions;
  readonly transport: KafkajsTransportOptions;
  readonly compression: CompressionName;
  readonly disconnectTimeoutMs: number;
  /** Options accepted but not used, one sentence each, to be logged once as warnings. */
  readonly warnings: readonly string[];
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
  const warnings: string[] = [];
  for (const key of Object.keys(idem)) {
    if (!IDEM_KEYS.has(key)) {
      throw new ConfigError(
        `idem.${key}`,
        (idem as Record<string, unknown>)[key],
        `one of idem's options (${[...IDEM_KEYS].join(', ')}); an unknown key is refused rather than ignored`,
      );
    }
  }
  for (const key of Object.keys(idem.transport ?? {})) {
    if (!TRANSPORT_KEYS.has(key)) {
      throw new ConfigError(
        `idem.transport.${key}`,
        (idem.transport as Record<string, unknown>)[key],
        `one of ${[...TRANSPORT_KEYS].join(', ')}`,
      );
    }
  }
  for (const key of Object.keys(config)) {
    if (!KAFKAJS_KEYS.has(key))
      warnings.push(`option ${key} is not a kafkajs producer option; it is ignored`);
  }
  if (config.transactionTimeout !== undefined) {
    warnings.push('transactionTimeout is ignored: this producer has no transactions');
  }
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
  if (retry?.factor !== undefined && retry.factor !== IDEM_BACKOFF.factor) {
    warnings.push(
      `retry.factor=${retry.factor} is not used: idem's retry backoff always has ±20% jitter (factor 0.2)`,
    );
  }
  if (retry?.multiplier !== undefined && retry.multiplier !== IDEM_BACKOFF.multiplier) {
    warnings.push(
      `retry.multiplier=${retry.multiplier} is not used: idem's retry backoff always doubles (multiplier 2) up to maxRetryTime`,
    );
  }
  if (retry?.restartOnFailure !== undefined) {
    warnings.push('retry.restartOnFailure is a kafkajs consumer option; the producer ignores it');
  }
  if (retry?.initialRetryTime !== undefined) producer.retryBackoffMs = retry.initialRetryTime;
  if (retry?.maxRetryTime !== undefined) producer.retryBackoffMaxMs = retry.maxRetryTime;
  if (config.metadataMaxAge !== undefined) producer.metadataMaxAgeMs = config.metadataMaxAge;

  const compression = idem.compression ?? 'none';
  if (!COMPRESSION_NAMES.includes(compression)) {
    throw new ConfigError('idem.compression', compression, `one of ${COMPRESSION_NAMES.join(', ')}`);
  }
  checkCompressionInstalled(compression);
  const disconnectTimeoutMs = idem.disconnectTimeoutMs ?? DEFAULT_DISCONNECT_TIMEOUT_MS;
  if (
    typeof disconnectTimeoutMs !== 'number' ||
    !(disconnectTimeoutMs >= 0) ||
    !Number.isFinite(disconnectTimeoutMs)
  ) {
    throw new ConfigError(
      'idem.disconnectTimeoutMs',
      disconnectTimeoutMs,
      'a finite number of milliseconds ≥ 0',
    );
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
    disconnectTimeoutMs,
    warnings,
  };
}

/**
 * A codec whose optional package is missing fails at construction, not at the first send: compressing one byte
 * loads the package.
 */
function checkCompressionInstalled(compression: CompressionName): void {
  if (compression === 'none') return;
  try {
    compressionCodec(compression).compress(Buffer.from('idem'));
  } catch (error) {
    if (!(error instanceof CompressionLibraryMissingError)) throw error;
    throw new ConfigError(
      'idem.compression',
      compression,
      `a codec whose package is installed: ${error.message}`,
    );
  }
}

/**
 * A send's `timeout` (kafkajs: how long the broker and the client wait for the Produce answer) cannot differ per
 * send, since records of many sends share a request: it must be the producer's requestTimeoutMs.
 */
export function checkSendTimeout(timeout: number | undefined, requestTimeoutMs: number): void {
  if (timeout === undefined || timeout === requestTimeoutMs) return;
  throw new ConfigError(
    'timeout',
    timeout,
    `this producer's request timeout (${requestTimeoutMs}); records of many sends share a request, so set it once with idem: { requestTimeoutMs: ${timeout} }`,
  );
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
  const { compression: _c, transport: _t, disconnectTimeoutMs: _d, ...rest } = idem;
  return rest;
}
