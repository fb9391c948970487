// librdkafka's errors → the typed errors idem's core raises. librdkafka tracks whether a failed message may be in the
// log (rd_kafka_message_status), but the binding does not expose it: possiblyPersisted is false only where librdkafka
// certainly never sent the message, true everywhere else.
import {
  AuthorizationError,
  BrokerRejectedError,
  ConnectionFailedError,
  DeliveryTimeoutError,
  FatalProducerError,
  type FatalReason,
  IdemError,
  InvalidRecordError,
  ProducerClosedError,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from '@idem/core';
import { codeName, type NativeError, type NativeModule } from './native.js';

/** librdkafka's codes this file maps (rdkafka.h). */
export const RD = {
  MSG_TIMED_OUT: -192,
  UNKNOWN_PARTITION: -190,
  UNKNOWN_TOPIC: -188,
  QUEUE_FULL: -184,
  MSG_SIZE_TOO_LARGE: 10,
  LOCAL_MSG_SIZE: -141, // not used by produce(); kept for completeness
  SSL: -181,
  AUTHENTICATION: -169,
  DESTROY: -197,
  PURGE_QUEUE: -152,
  PURGE_INFLIGHT: -151,
  FATAL: -150,
  GAPLESS_GUARANTEE: -148,
  UNKNOWN_TOPIC_OR_PART: 3,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  SASL_AUTHENTICATION_FAILED: 58,
  UNKNOWN_PRODUCER_ID: 59,
  TOPIC_AUTHORIZATION_FAILED: 29,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  PRODUCER_FENCED: 90,
} as const;

/** An error of librdkafka's own that no core error describes (e.g. a local failure). */
export class LibrdkafkaError extends IdemError {
  /** librdkafka's error code (negative: local; positive: Kafka's). */
  readonly rdkafkaCode: number;
  readonly rdkafkaName: string;

  constructor(code: number, name: string, message: string, possiblyPersisted: boolean, retriable: boolean) {
    super('ERR_LIBRDKAFKA', `librdkafka ${name} (${code}): ${message}`, { possiblyPersisted, retriable });
    this.rdkafkaCode = code;
    this.rdkafkaName = name;
  }
}

export function fatalReason(code: number): FatalReason {
  if (code === RD.PRODUCER_FENCED || code === RD.INVALID_PRODUCER_EPOCH) return 'fenced';
  if (code === RD.GAPLESS_GUARANTEE) return 'gapless';
  if (code === RD.CLUSTER_AUTHORIZATION_FAILED) return 'initProducerId';
  return 'invariant';
}

export interface MappingContext {
  readonly module: NativeModule;
  readonly topic: string;
  readonly partition: number;
  readonly deliveryTimeoutMs: number;
  readonly retries: number;
  /** The fatal error librdkafka raised earlier (its event.error), when the producer went fatal. */
  readonly fatal: FatalProducerError | null;
  /** The message was handed to librdkafka (a delivery report), not refused by produce() itself. */
  readonly fromDeliveryReport: boolean;
}

export function mapError(err: NativeError, ctx: MappingContext): IdemError {
  const code = typeof err.code === 'number' ? err.code : -196;
  const name = codeName(ctx.module, code);
  const message = err.message;
  const maybe = ctx.fromDeliveryReport;
  switch (code) {
    case RD.MSG_TIMED_OUT:
      return new DeliveryTimeoutError(
        ctx.deliveryTimeoutMs,
        maybe,
        `${ctx.topic}-${ctx.partition}: ${message}`,
      );
    case RD.UNKNOWN_PARTITION:
      return new InvalidRecordError(
        'partition',
        `${ctx.topic} has no partition ${ctx.partition} (${message})`,
      );
    case RD.UNKNOWN_TOPIC:
      return new SendTimeoutError('metadata', 0, `metadata of topic ${ctx.topic}: ${message}`);
    case RD.QUEUE_FULL:
      return new SendTimeoutError(
        'bufferFull',
        0,
        `space in librdkafka's queue (queue.buffering.max.*): ${message}`,
      );
    case RD.PURGE_QUEUE:
      return new ProducerClosedError(false, `the producer closed before the record was sent: ${message}`);
    case RD.PURGE_INFLIGHT:
    case RD.DESTROY:
      return new ProducerClosedError(maybe, `the producer closed with the record in flight: ${message}`);
    case RD.FATAL:
      return ctx.fatal !== null
        ? ctx.fatal.forSend(maybe)
        : new FatalProducerError('invariant', `librdkafka raised a fatal error: ${message}`, {
            possiblyPersisted: maybe,
          });
    case RD.GAPLESS_GUARANTEE:
      return new FatalProducerError(
        'gapless',
        `librdkafka could not keep the gapless guarantee: ${message}`,
        {
          kafkaCode: null,
          possiblyPersisted: maybe,
        },
      );
    case RD.OUT_OF_ORDER_SEQUENCE_NUMBER:
      return new SequenceConflictError(ctx.topic, ctx.partition, maybe);
    case RD.PRODUCER_FENCED:
    case RD.INVALID_PRODUCER_EPOCH:
      return new FatalProducerError('fenced', `${name}: ${message}`, {
        kafkaCode: code,
        possiblyPersisted: maybe,
      });
    case RD.AUTHENTICATION:
    case RD.SASL_AUTHENTICATION_FAILED:
      return new ConnectionFailedError('authentication', message, maybe);
    case RD.SSL:
      return new ConnectionFailedError('tls', message, maybe);
    case RD.CLUSTER_AUTHORIZATION_FAILED:
      return new AuthorizationError(code, name);
    case RD.MSG_SIZE_TOO_LARGE:
      if (!maybe) return new InvalidRecordError('value', `larger than message.max.bytes: ${message}`);
      break;
  }
  if (code > 0) {
    if (err.isRetriable === true) return new RetriesExhaustedError(ctx.retries, name, maybe);
    return new BrokerRejectedError(code, name, maybe, message);
  }
  return new LibrdkafkaError(code, name, message, maybe, err.isRetriable === true);
}
