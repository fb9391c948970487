import { ConfigError } from '../errors/config-error.js';
import type { ProducerOptions } from './options.js';

/** The broker's batch dedup window (ProducerStateEntry.NUM_BATCHES_TO_RETAIN): more in flight breaks idempotence. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

/** Every option with its value after defaults; what the engine reads. */
export interface ProducerConfig {
  readonly clientId: string;
  readonly idempotent: boolean;
  readonly acks: -1 | 0 | 1;
  readonly retries: number;
  readonly maxInFlightRequestsPerConnection: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly lingerMs: number;
  readonly batchSize: number;
  readonly bufferMemory: number;
  readonly maxBlockMs: number;
  readonly maxRequestSize: number;
  readonly retryBackoffMs: number;
  readonly retryBackoffMaxMs: number;
  readonly metadataMaxAgeMs: number;
  readonly strict: boolean;
  readonly producerIdExpirationMs: number;
}

/**
 * The value resolveProducerConfig gives each option left unset (frozen), except that two are raised to fit
 * explicit options: deliveryTimeoutMs to at least lingerMs + requestTimeoutMs, retryBackoffMaxMs to at
 * least retryBackoffMs.
 */
export const PRODUCER_DEFAULTS: ProducerConfig = Object.freeze({
  clientId: 'idem',
  idempotent: true,
  acks: -1,
  retries: Number.POSITIVE_INFINITY,
  maxInFlightRequestsPerConnection: MAX_IN_FLIGHT_FOR_IDEMPOTENCE,
  deliveryTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  lingerMs: 5,
  batchSize: 16_384,
  bufferMemory: 33_554_432,
  maxBlockMs: 60_000,
  maxRequestSize: 1_048_576,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  metadataMaxAgeMs: 300_000,
  strict: false,
  producerIdExpirationMs: 86_400_000,
});

type NumericKey = {
  [K in keyof ProducerConfig]: ProducerConfig[K] extends number ? K : never;
}[keyof ProducerConfig];

/**
 * Validates `options` and fills in defaults. Any invalid value, and any explicit value that conflicts with
 * idempotence, throws a `ConfigError` naming the key, the value and the requirement: nothing is silently
 * overridden.
 */
export function resolveProducerConfig(options: ProducerOptions = {}): ProducerConfig {
  const idempotent = bool(options, 'idempotent');
  const int = (key: NumericKey, min: number, allowInfinity = false): number => {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) return PRODUCER_DEFAULTS[key];
    const ok =
      typeof value === 'number' &&
      ((Number.isSafeInteger(value) && value >= min) ||
        (allowInfinity && value === Number.POSITIVE_INFINITY));
    if (!ok) throw new ConfigError(key, value, `an integer ≥ ${min}${allowInfinity ? ' (or Infinity)' : ''}`);
    return value;
  };

  const acks = resolveAcks(options.acks);
  const retries = int('retries', 0, true);
  const maxInFlight = int('maxInFlightRequestsPerConnection', 1);
  const requestTimeoutMs = int('requestTimeoutMs', 1);
  const lingerMs = int('lingerMs', 0);
  const batchSize = int('batchSize', 1);
  const bufferMemory = int('bufferMemory', 1);
  const maxRequestSize = int('maxRequestSize', 1);
  const retryBackoffMs = int('retryBackoffMs', 0);
  const retryBackoffMaxMs = int('retryBackoffMaxMs', 0);

  if (idempotent) {
    const why = 'when idempotence is enabled (set idempotent: false to drop the guarantee)';
    if (options.acks !== undefined && acks !== -1)
      throw new ConfigError('acks', options.acks, `-1 ('all') ${why}`);
    if (options.retries !== undefined && retries < 1) throw new ConfigError('retries', retries, `≥ 1 ${why}`);
    if (maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      throw new ConfigError(
        'maxInFlightRequestsPerConnection',
        maxInFlight,
        `≤ ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} ${why}: the broker remembers only the last 5 batches per producer`,
      );
    }
  }

  // Java's rule: an explicit delivery timeout shorter than linger + request timeout is an error; the default is
  // raised to that sum instead.
  const floor = lingerMs + requestTimeoutMs;
  let deliveryTimeoutMs: number;
  if (options.deliveryTimeoutMs === undefined) {
    deliveryTimeoutMs = Math.max(PRODUCER_DEFAULTS.deliveryTimeoutMs, floor);
  } else {
    deliveryTimeoutMs = int('deliveryTimeoutMs', 1);
    if (deliveryTimeoutMs < floor) {
      throw new ConfigError(
        'deliveryTimeoutMs',
        deliveryTimeoutMs,
        `≥ lingerMs + requestTimeoutMs = ${floor}, or no request could ever finish within it`,
      );
    }
  }
  if (retryBackoffMaxMs < retryBackoffMs && options.retryBackoffMaxMs !== undefined) {
    throw new ConfigError('retryBackoffMaxMs', retryBackoffMaxMs, `≥ retryBackoffMs (${retryBackoffMs})`);
  }
  if (
    maxRequestSize > bufferMemory &&
    options.maxRequestSize !== undefined &&
    options.bufferMemory !== undefined
  ) {
    throw new ConfigError('bufferMemory', bufferMemory, `≥ maxRequestSize (${maxRequestSize})`);
  }

  const bounded = (options as { boundedDelivery?: unknown }).boundedDelivery;
  if (bounded !== undefined && bounded !== true) {
    throw new ConfigError(
      'boundedDelivery',
      bounded,
      'true or unset: delivery is always bounded by deliveryTimeoutMs (raise deliveryTimeoutMs to wait longer)',
    );
  }

  const clientId = options.clientId ?? PRODUCER_DEFAULTS.clientId;
  if (typeof clientId !== 'string') throw new ConfigError('clientId', clientId, 'a string');

  return Object.freeze({
    clientId,
    idempotent,
    acks,
    retries,
    maxInFlightRequestsPerConnection: maxInFlight,
    deliveryTimeoutMs,
    requestTimeoutMs,
    lingerMs,
    batchSize,
    bufferMemory,
    maxBlockMs: int('maxBlockMs', 0),
    maxRequestSize,
    retryBackoffMs,
    retryBackoffMaxMs: Math.max(retryBackoffMaxMs, retryBackoffMs),
    metadataMaxAgeMs: int('metadataMaxAgeMs', 0),
    strict: bool(options, 'strict'),
    producerIdExpirationMs: int('producerIdExpirationMs', 1),
  });
}

function resolveAcks(value: ProducerOptions['acks']): -1 | 0 | 1 {
  if (value === undefined || value === 'all' || value === -1) return -1;
  if (value === 0 || value === 1) return value;
  throw new ConfigError('acks', value, "one of -1, 'all', 0, 1");
}

function bool(options: ProducerOptions, key: 'idempotent' | 'strict'): boolean {
  const value = options[key];
  if (value === undefined) return PRODUCER_DEFAULTS[key];
  if (typeof value !== 'boolean') throw new ConfigError(key, value, 'a boolean');
  return value;
}
