/**
 * confluentProducer on librdkafka's built-in mock cluster (`test.mock.num.brokers`): no broker, no JVM, just
 * librdkafka's own in-process Kafka. A round trip read back with librdkafka's consumer, misconfiguration refused by
 * idem before librdkafka sees it, `state` carrying the producer id and epoch the mock cluster assigned, and
 * delivery.timeout.ms really reaching librdkafka. Skipped, with the reason, where the native binding does not load.
 */
import { keyedPartition } from '@idem/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  type ConfluentProducer,
  confluentProducer,
  DeliveryTimeoutError,
  loadNative,
  type RecordMetadata,
} from '../src/index.js';
import type { NativeModule, NativeProducer } from '../src/native.js';

const native = loadNative();
const skipReason = 'reason' in native ? native.reason : null;
if (skipReason !== null) console.info(`[confluent mock cluster] skipped: ${skipReason}`);

/** librdkafka ignores bootstrap.servers when it runs its mock cluster; idem still requires a well-formed one. */
const UNUSED_BOOTSTRAP = '127.0.0.1:1';
const MOCK_PARTITIONS = 4; // the mock cluster auto-creates topics with 4 partitions

let producer: ConfluentProducer | undefined;
let owner: NativeProducer | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await producer?.close({ timeoutMs: 5_000 });
  producer = undefined;
  const o = owner;
  owner = undefined;
  if (o !== undefined) await new Promise<void>((resolve) => o.disconnect(2_000, () => resolve()));
});

/**
 * A mock cluster other clients can reach over TCP: a bare native handle owns it (librdkafka runs the mock brokers
 * inside the handle that asked for them) and its connect metadata names the brokers' addresses.
 */
async function mockCluster(module: NativeModule, brokers: number): Promise<string> {
  const handle = new module.Producer({
    'bootstrap.servers': UNUSED_BOOTSTRAP,
    'test.mock.num.brokers': brokers,
    log_level: 0,
  });
  owner = handle;
  const connect = handle.connect as unknown as (
    options: { timeout: number },
    cb: (err: Error | null, metadata: { brokers: { host: string; port: number }[] }) => void,
  ) => void;
  const metadata = await new Promise<{ brokers: { host: string; port: number }[] }>((resolve, reject) =>
    connect.call(handle, { timeout: 10_000 }, (err, md) => (err ? reject(err) : resolve(md))),
  );
  expect(metadata.brokers).toHaveLength(brokers);
  return metadata.brokers.map((b) => `${b.host}:${b.port}`).join(',');
}

async function waitFor(what: string, done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(skipReason !== null)(
  `confluentProducer on librdkafka's mock cluster${skipReason === null ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    const module = (native as { module: NativeModule }).module;

    it('round trip: 300 keyed records acknowledged in order, on murmur2 partitions, read back exactly once', async () => {
      const bootstrap = await mockCluster(module, 3);
      const topic = 'mock-round-trip';
      producer = confluentProducer({ bootstrapServers: bootstrap, rdkafka: { log_level: 0 } });
      const keys = Array.from({ length: 300 }, (_, i) => `key-${i % 37}`);
      const metadata: RecordMetadata[] = await Promise.all(
        keys.map((key, i) => producer!.send({ topic, key, value: `value-${i}` })),
      );
      expect(metadata.map((m) => m.partition)).toEqual(
        keys.map((k) => keyedPartition(Buffer.from(k), MOCK_PARTITIONS)),
      );
      const sent = new Map<number, number[]>();
      metadata.forEach((m, i) => {
        sent.set(m.partition, [...(sent.get(m.partition) ?? []), i]);
      });
      for (const [partition, indexes] of sent)
        expect(metadata.filter((m) => m.partition === partition).map((m) => m.offset)).toEqual(
          indexes.map((_, i) => BigInt(i)),
        );

      const { KafkaJS } = (await import(
        '@confluentinc/kafka-javascript'
      )) as typeof import('@confluentinc/kafka-javascript');
      const kafka = new KafkaJS.Kafka({
        kafkaJS: { brokers: bootstrap.split(','), logLevel: KafkaJS.logLevel.NOTHING },
      });
      const consumer = kafka.consumer({
        kafkaJS: { groupId: 'mock-readers', fromBeginning: true },
        'fetch.wait.max.ms': 50,
      });
      const read = new Map<number, { offset: bigint; index: number }[]>();
      let count = 0;
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic] });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            const index = Number(message.value!.toString().slice('value-'.length));
            read.set(partition, [...(read.get(partition) ?? []), { offset: BigInt(message.offset), index }]);
            count++;
          },
        });
        await waitFor('300 records read back', () => count >= keys.length, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        await consumer.disconnect();
      }
      expect(count).toBe(keys.length);
      for (const [partition, indexes] of sent)
        expect(read.get(partition)).toEqual(indexes.map((index, i) => ({ offset: BigInt(i), index })));
    }, 60_000);

    it.each([
      ['enable.idempotence', false],
      ['acks', 1],
      ['request.required.acks', 0],
      ['max.in.flight.requests.per.connection', 6],
      ['retries', 0],
      ['transactional.id', 'tx'],
      ['partitioner', 'consistent_random'],
    ] as const)('refuses rdkafka %s=%s with a ConfigError before librdkafka sees it', (name, value) => {
      const constructed = vi.fn();
      const Real = module.Producer;
      const spy = vi.spyOn(module, 'Producer', 'get').mockReturnValue(
        class extends (Real as unknown as new (...args: unknown[]) => object) {
          constructor(...args: unknown[]) {
            constructed(...args);
            super(...args);
          }
        } as unknown as NativeModule['Producer'],
      );
      let error: unknown = null;
      try {
        producer = confluentProducer({
          bootstrapServers: UNUSED_BOOTSTRAP,
          rdkafka: { 'test.mock.num.brokers': 1, log_level: 0, [name]: value },
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ key: name, value });
      expect(constructed).not.toHaveBeenCalled();
      // The control: the same config without the property reaches librdkafka, which builds the producer.
      producer = confluentProducer({
        bootstrapServers: UNUSED_BOOTSTRAP,
        rdkafka: { 'test.mock.num.brokers': 1, log_level: 0 },
      });
      expect(constructed).toHaveBeenCalledTimes(1);
      expect(constructed.mock.calls[0]?.[0]).toMatchObject({ 'enable.idempotence': true, acks: 'all' });
      spy.mockRestore();
    });

    it('state: no producer id before the first send; the mock cluster’s non-negative id and epoch after it', async () => {
      producer = confluentProducer({
        bootstrapServers: UNUSED_BOOTSTRAP,
        statisticsIntervalMs: 50,
        rdkafka: { 'test.mock.num.brokers': 3, log_level: 0 },
      });
      const ids: { producerId: bigint; epoch: number }[] = [];
      producer.on('producerId', (e) => ids.push(e));
      const before = producer.state;
      expect(before.producerId).toBe(-1n);
      expect(before.epoch).toBe(-1);
      expect(before.librdkafka).toBeNull();
      expect(before.partitions).toEqual([]);

      const first = await producer.send({ topic: 'mock-state', partition: 2, value: 'first' });
      expect(first).toMatchObject({ topic: 'mock-state', partition: 2, offset: 0n });
      await waitFor(
        'librdkafka statistics with the producer id',
        () => producer!.state.producerId >= 0n,
        5_000,
      );
      const state = producer.state;
      expect(state.producerId).toBeGreaterThanOrEqual(0n);
      expect(state.epoch).toBeGreaterThanOrEqual(0);
      expect(state.status).toBe('ready');
      expect(state.librdkafka).toMatchObject({
        idempState: 'Assigned',
        producerId: state.producerId,
        epoch: state.epoch,
      });
      expect(ids).toEqual([{ producerId: state.producerId, epoch: state.epoch }]);
      expect(state.partitions).toEqual([
        expect.objectContaining({
          topic: 'mock-state',
          partition: 2,
          producerId: state.producerId,
          epoch: state.epoch,
          lastAckedOffset: 0n,
          queuedRecords: 0,
        }),
      ]);
      // The same producer id carries on: a second send does not renumber it.
      await producer.send({ topic: 'mock-state', partition: 2, value: 'second' });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(producer.state.producerId).toBe(state.producerId);
      expect(producer.state.epochBumps).toBe(0);
    }, 30_000);

    it('deliveryTimeoutMs reaches librdkafka: a record for a vanished cluster fails with DeliveryTimeoutError in time', async () => {
      const bootstrap = await mockCluster(module, 1);
      producer = confluentProducer({
        bootstrapServers: bootstrap,
        lingerMs: 0,
        requestTimeoutMs: 500,
        deliveryTimeoutMs: 1_500,
        rdkafka: { log_level: 0 },
      });
      await producer.send({ topic: 'mock-timeout', partition: 0, value: 'reachable' });
      // The owner handle goes, and its mock brokers with it.
      const o = owner!;
      owner = undefined;
      await new Promise<void>((resolve) => o.disconnect(2_000, () => resolve()));
      const started = Date.now();
      const error = await producer
        .send({ topic: 'mock-timeout', partition: 0, value: 'lost' })
        .catch((e) => e);
      const tookMs = Date.now() - started;
      expect(error).toBeInstanceOf(DeliveryTimeoutError);
      // librdkafka's default (300 s) would have left it pending far longer.
      expect(tookMs).toBeGreaterThanOrEqual(1_000);
      expect(tookMs).toBeLessThan(10_000);
    }, 30_000);
  },
);
