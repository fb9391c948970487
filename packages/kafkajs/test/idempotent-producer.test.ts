// The adapter's own logic, without a broker: kafkajs options refused or mapped, kafkajs messages turned into idem
// records, idem metadata turned into kafkajs's per-partition RecordMetadata.
import { ConfigError, InvalidRecordError } from '@idem/core';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { idempotentProducer } from '../src/index.js';
import { toIdemRecord } from '../src/producer/messages.js';
import { resolveAdapterOptions } from '../src/producer/options.js';
import { toKafkajsMetadata } from '../src/producer/record-metadata.js';

// Never connected: the producer is only constructed, or sends are refused before any I/O.
const kafka = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });

describe('idempotentProducer options', () => {
  it.each([
    [{ maxInFlightRequests: 6 }, 'maxInFlightRequests', 6],
    [{ retry: { retries: 0 } }, 'retry.retries', 0],
    [{ idempotent: false }, 'idempotent', false],
    [{ transactionalId: 'tx-1' }, 'transactionalId', 'tx-1'],
    [{ idem: { acks: 1 as const } }, 'acks', 1],
  ])('refuses %j at construction, naming key and value', (options, key, value) => {
    const error = (() => {
      try {
        idempotentProducer(kafka, options);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ key, value });
    expect((error as ConfigError).requirement.length).toBeGreaterThan(0);
  });

  it('maps kafkajs retry and metadata options onto idem names', () => {
    const resolved = resolveAdapterOptions(
      {
        maxInFlightRequests: 3,
        retry: { retries: 7, initialRetryTime: 40, maxRetryTime: 900 },
        metadataMaxAge: 1234,
      },
      undefined,
    );
    expect(resolved.producer).toMatchObject({
      maxInFlightRequestsPerConnection: 3,
      retries: 7,
      retryBackoffMs: 40,
      retryBackoffMaxMs: 900,
      metadataMaxAgeMs: 1234,
    });
    expect(resolved.transport).toMatchObject({ metadataMaxAgeMs: 1234 });
  });

  it('accepts idempotent: false only with the explicit idem opt-out', () => {
    const producer = idempotentProducer(kafka, { idempotent: false, idem: { idempotent: false } });
    expect(producer.isIdempotent()).toBe(false);
    expect(idempotentProducer(kafka).isIdempotent()).toBe(true);
  });

  it('accepts the Java-compatible partitioner and refuses a custom one', () => {
    expect(() =>
      idempotentProducer(kafka, { createPartitioner: Partitioners.DefaultPartitioner }),
    ).not.toThrow();
    const custom = () => () => 0;
    expect(() => idempotentProducer(kafka, { createPartitioner: custom })).toThrow(ConfigError);
  });

  it('refuses acks other than -1 and a compression other than the producer’s, per send', async () => {
    const producer = idempotentProducer(kafka);
    await expect(producer.send({ topic: 't', acks: 1, messages: [{ value: 'x' }] })).rejects.toMatchObject({
      key: 'acks',
      value: 1,
    });
    await expect(
      producer.send({ topic: 't', compression: CompressionTypes.GZIP, messages: [{ value: 'x' }] }),
    ).rejects.toMatchObject({ key: 'compression', value: CompressionTypes.GZIP });
    expect(await producer.send({ topic: 't', messages: [] })).toEqual([]);
    await producer.disconnect();
  });

  it('refuses unknown event names like kafkajs and returns a remover', () => {
    const producer = idempotentProducer(kafka);
    expect(() => producer.on('producer.nope' as never, () => {})).toThrow(/producer\.connect/);
    const remove = producer.on(producer.events.CONNECT, () => {});
    expect(typeof remove).toBe('function');
  });
});

describe('kafkajs messages as idem records', () => {
  it('keeps key, value, partition and timestamp, and spreads array header values', () => {
    const record = toIdemRecord(
      'orders',
      {
        key: Buffer.from('k'),
        value: 'v',
        partition: 2,
        timestamp: '1700000000123',
        headers: { a: 'x', b: ['1', Buffer.from('2')], skipped: undefined },
      },
      5,
      'm',
    );
    expect(record).toEqual({
      topic: 'orders',
      key: Buffer.from('k'),
      value: 'v',
      partition: 2,
      timestamp: 1_700_000_000_123,
      headers: [
        { key: 'a', value: 'x' },
        { key: 'b', value: '1' },
        { key: 'b', value: Buffer.from('2') },
      ],
    });
  });

  it('stamps a message without a timestamp with now, as kafkajs does', () => {
    expect(toIdemRecord('t', { value: null }, 42, 'm')).toEqual({ topic: 't', value: null, timestamp: 42 });
  });

  it.each(['soon', '-5', '1.5'])('refuses timestamp %j with a typed error naming the field', (timestamp) => {
    expect(() => toIdemRecord('t', { value: 'v', timestamp }, 0, 'messages[3]')).toThrow(InvalidRecordError);
    expect(() => toIdemRecord('t', { value: 'v', timestamp }, 0, 'messages[3]')).toThrow(
      /messages\[3\]\.timestamp/,
    );
  });
});

describe('idem metadata as kafkajs RecordMetadata', () => {
  it('gives one entry per partition with the lowest offset and detects LogAppendTime', () => {
    const results = [
      { topic: 'a', partition: 1, offset: 11n, timestamp: 100n },
      { topic: 'a', partition: 0, offset: 5n, timestamp: 100n },
      { topic: 'a', partition: 1, offset: 10n, timestamp: 100n },
      { topic: 'b', partition: 1, offset: 0n, timestamp: 999n },
    ];
    const metadata = toKafkajsMetadata(results, [100, 100, 100, 100], (topic) =>
      topic === 'a' ? '3' : '-1',
    );
    expect(metadata).toEqual([
      {
        topicName: 'a',
        partition: 1,
        errorCode: 0,
        baseOffset: '10',
        logAppendTime: '-1',
        logStartOffset: '3',
      },
      {
        topicName: 'a',
        partition: 0,
        errorCode: 0,
        baseOffset: '5',
        logAppendTime: '-1',
        logStartOffset: '3',
      },
      {
        topicName: 'b',
        partition: 1,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '999',
        logStartOffset: '-1',
      },
    ]);
  });
});
