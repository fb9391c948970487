import { describe, expect, test } from 'vitest';
import {
  isRetriable,
  KAFKA_ERRORS,
  KAFKA_ERRORS_SOURCE_VERSION,
  KafkaErrorCode,
  kafkaErrorByCode,
} from '../../src/protocol/error-codes.js';

// Expected values read with jshell from kafka-clients-4.3.0.jar:
//   Errors.valueOf(name).code(), Errors.valueOf(name).exception() instanceof RetriableException,
//   Errors.values().length == 135.
const KAFKA_4_3_0: [name: keyof typeof KafkaErrorCode, code: number, retriable: boolean][] = [
  ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45, false],
  ['NOT_LEADER_OR_FOLLOWER', 6, true],
  ['DUPLICATE_SEQUENCE_NUMBER', 46, false],
  ['INVALID_PRODUCER_EPOCH', 47, false],
  ['UNKNOWN_PRODUCER_ID', 59, false],
  ['PRODUCER_FENCED', 90, false],
  ['UNSUPPORTED_VERSION', 35, false],
  ['REQUEST_TIMED_OUT', 7, true],
  ['INVALID_RECORD', 87, false],
];

describe('Kafka error table', () => {
  test('comes from Kafka 4.3.0 and has all 135 of its codes', () => {
    expect(KAFKA_ERRORS_SOURCE_VERSION).toBe('4.3.0');
    expect(KAFKA_ERRORS).toHaveLength(135);
    expect(new Set(KAFKA_ERRORS.map((e) => e.code)).size).toBe(135);
  });

  test.each(KAFKA_4_3_0)('%s = %i, retriable %s', (name, code, retriable) => {
    expect(KafkaErrorCode[name]).toBe(code);
    const entry = kafkaErrorByCode(code);
    expect(entry).toMatchObject({ code, name, retriable, known: true });
    expect(isRetriable(code)).toBe(retriable);
  });

  test('NONE and UNKNOWN_SERVER_ERROR', () => {
    expect(kafkaErrorByCode(0)).toMatchObject({
      name: 'NONE',
      exception: null,
      message: null,
      retriable: false,
    });
    expect(kafkaErrorByCode(-1)).toMatchObject({
      name: 'UNKNOWN_SERVER_ERROR',
      exception: 'UnknownServerException',
    });
  });

  test('metadata-invalidating errors are flagged (the client refreshes metadata first)', () => {
    expect(kafkaErrorByCode(KafkaErrorCode.NOT_LEADER_OR_FOLLOWER).invalidMetadata).toBe(true);
    expect(kafkaErrorByCode(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION).invalidMetadata).toBe(true);
    expect(kafkaErrorByCode(KafkaErrorCode.REQUEST_TIMED_OUT).invalidMetadata).toBe(false);
  });

  test('every entry carries Kafka’s message, and names map back to codes', () => {
    for (const e of KAFKA_ERRORS) {
      expect(KafkaErrorCode[e.name as keyof typeof KafkaErrorCode]).toBe(e.code);
      if (e.code !== 0) expect(e.message, e.name).toMatch(/\S/);
    }
    expect(kafkaErrorByCode(45).message).toBe('The broker received an out of order sequence number.');
  });

  test('an unknown code is an entry marked unknown, never a throw', () => {
    const e = kafkaErrorByCode(31_337);
    expect(e).toEqual({
      code: 31_337,
      name: 'UNKNOWN_ERROR_CODE_31337',
      retriable: false,
      invalidMetadata: false,
      exception: null,
      message: null,
      known: false,
    });
    expect(isRetriable(31_337)).toBe(false);
  });
});
