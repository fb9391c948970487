// mapError: librdkafka's errors → idem's typed errors, with possiblyPersisted as librdkafka can know it (the binding
// does not expose rd_kafka_message_status: a delivery report's failure counts as possibly persisted). No native needed.
import { describe, expect, it } from 'vitest';
import { fatalReason, type MappingContext, mapError, RD } from '../src/errors.js';
import {
  AuthorizationError,
  BrokerRejectedError,
  ConnectionFailedError,
  DeliveryTimeoutError,
  FatalProducerError,
  InvalidRecordError,
  LibrdkafkaError,
  ProducerClosedError,
  RetriesExhaustedError,
  SendTimeoutError,
  SequenceConflictError,
} from '../src/index.js';
import type { NativeError, NativeModule } from '../src/native.js';

const module: NativeModule = {
  Producer: class {} as unknown as NativeModule['Producer'],
  librdkafkaVersion: 'test',
  CODES: {
    ERRORS: {
      ERR__MSG_TIMED_OUT: -192,
      ERR__QUEUE_FULL: -184,
      ERR_INVALID_RECORD: 87,
      ERR_NOT_LEADER_FOR_PARTITION: 6,
      ERR__STATE: -172,
      ERR_OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
    },
  },
};

const ctx = (fromDeliveryReport: boolean, fatal: FatalProducerError | null = null): MappingContext => ({
  module,
  topic: 't',
  partition: 2,
  deliveryTimeoutMs: 30_000,
  retries: 7,
  fatal,
  fromDeliveryReport,
});

const err = (code: number, extra: Partial<NativeError> = {}): NativeError =>
  Object.assign(new Error(`librdkafka error ${code}`), { code, ...extra }) as NativeError;

describe('mapError', () => {
  it('maps a delivery timeout to DeliveryTimeoutError, possibly persisted when librdkafka had the record', () => {
    const e = mapError(err(RD.MSG_TIMED_OUT), ctx(true));
    expect(e).toBeInstanceOf(DeliveryTimeoutError);
    expect((e as DeliveryTimeoutError).timeoutMs).toBe(30_000);
    expect(e.possiblyPersisted).toBe(true);
    expect(e.retriable).toBe(true);
    expect(e.message).toContain('t-2');
  });

  it('maps local refusals of produce() to errors that sent nothing', () => {
    expect(mapError(err(RD.QUEUE_FULL), ctx(false))).toBeInstanceOf(SendTimeoutError);
    expect(mapError(err(RD.UNKNOWN_TOPIC), ctx(false))).toMatchObject({ reason: 'metadata' });
    const partition = mapError(err(RD.UNKNOWN_PARTITION), ctx(false));
    expect(partition).toBeInstanceOf(InvalidRecordError);
    expect(partition.possiblyPersisted).toBe(false);
    expect(mapError(err(RD.MSG_SIZE_TOO_LARGE), ctx(false))).toBeInstanceOf(InvalidRecordError);
  });

  it('maps purges and destroy to ProducerClosedError', () => {
    expect(mapError(err(RD.PURGE_QUEUE), ctx(true))).toMatchObject({
      code: 'ERR_PRODUCER_CLOSED',
      possiblyPersisted: false,
    });
    const inflight = mapError(err(RD.PURGE_INFLIGHT), ctx(true));
    expect(inflight).toBeInstanceOf(ProducerClosedError);
    expect(inflight.possiblyPersisted).toBe(true);
  });

  it('maps fatal errors, fencing and gapless to FatalProducerError with their reason', () => {
    const earlier = new FatalProducerError('fenced', 'fenced earlier', { kafkaCode: 90 });
    const fatal = mapError(err(RD.FATAL), ctx(true, earlier));
    expect(fatal).toBeInstanceOf(FatalProducerError);
    expect((fatal as FatalProducerError).reason).toBe('fenced');
    expect(fatal.possiblyPersisted).toBe(true);
    expect((mapError(err(RD.FATAL), ctx(false)) as FatalProducerError).reason).toBe('invariant');
    expect((mapError(err(RD.GAPLESS_GUARANTEE), ctx(true)) as FatalProducerError).reason).toBe('gapless');
    expect((mapError(err(RD.PRODUCER_FENCED), ctx(true)) as FatalProducerError).kafkaCode).toBe(90);
    expect(fatalReason(RD.INVALID_PRODUCER_EPOCH)).toBe('fenced');
    expect(fatalReason(RD.CLUSTER_AUTHORIZATION_FAILED)).toBe('initProducerId');
    expect(fatalReason(-1)).toBe('invariant');
  });

  it('maps sequence, authentication, TLS and authorization failures', () => {
    expect(mapError(err(RD.OUT_OF_ORDER_SEQUENCE_NUMBER), ctx(true))).toBeInstanceOf(SequenceConflictError);
    expect(mapError(err(RD.SASL_AUTHENTICATION_FAILED), ctx(false))).toMatchObject({
      reason: 'authentication',
    });
    expect(mapError(err(RD.AUTHENTICATION), ctx(false))).toBeInstanceOf(ConnectionFailedError);
    expect(mapError(err(RD.SSL), ctx(false))).toMatchObject({ reason: 'tls' });
    expect(mapError(err(RD.CLUSTER_AUTHORIZATION_FAILED), ctx(false))).toBeInstanceOf(AuthorizationError);
  });

  it("maps other Kafka errors by retriability, with librdkafka's name", () => {
    const rejected = mapError(err(87), ctx(true));
    expect(rejected).toBeInstanceOf(BrokerRejectedError);
    expect(rejected).toMatchObject({ kafkaCode: 87, kafkaName: 'INVALID_RECORD', possiblyPersisted: true });
    const exhausted = mapError(err(6, { isRetriable: true }), ctx(true));
    expect(exhausted).toBeInstanceOf(RetriesExhaustedError);
    expect(exhausted).toMatchObject({ retries: 7, lastReason: 'NOT_LEADER_FOR_PARTITION' });
  });

  it("keeps librdkafka's other local errors as LibrdkafkaError", () => {
    const local = mapError(err(-172), ctx(false));
    expect(local).toBeInstanceOf(LibrdkafkaError);
    expect(local).toMatchObject({ rdkafkaCode: -172, rdkafkaName: '_STATE', possiblyPersisted: false });
    expect(mapError(err(-12_345), ctx(false))).toMatchObject({ rdkafkaName: 'ERROR_-12345' });
  });
});
