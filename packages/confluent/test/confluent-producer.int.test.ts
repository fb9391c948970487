/**
 * The real native producer (librdkafka through @confluentinc/kafka-javascript) against the in-memory broker's TCP
 * server: 10,000 records with 5 requests in flight, read back by a group consumer exactly once and in order per
 * partition, and `state` showing librdkafka's producer id and epoch. Skipped, with the reason, where the native
 * binding does not load. Ports 39400–39402.
 */
import { MemoryBrokerServer, silentLogger } from '@idem/memory-broker';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  type ConfluentProducer,
  confluentProducer,
  DeliveryTimeoutError,
  InvalidRecordError,
  loadNative,
  ProducerClosedError,
  type RecordMetadata,
} from '../src/index.js';

const native = loadNative();
const skipReason = 'reason' in native ? native.reason : null;
const TOPIC = 'confluent-round-trip';
const RECORDS = 10_000;
const PARTITIONS = 6;
const PORT = 39_400;

let server: MemoryBrokerServer | undefined;
let producer: ConfluentProducer | undefined;

afterEach(async () => {
  await producer?.close({ timeoutMs: 5_000 });
  producer = undefined;
  await server?.close();
  server = undefined;
});

async function waitFor(what: string, done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(skipReason !== null)(
  `confluentProducer against the memory broker's TCP server${skipReason === null ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    it('sends 10,000 records with 5 in flight; they are read back exactly once, in order; state has pid and epoch', async () => {
      server = await MemoryBrokerServer.start({
        brokers: 3,
        topics: { [TOPIC]: { partitions: PARTITIONS } },
        logger: silentLogger,
        port: PORT,
      });
      producer = confluentProducer({
        bootstrapServers: server.bootstrapServers,
        clientId: 'idem-confluent-test',
        maxInFlightRequestsPerConnection: 5,
        statisticsIntervalMs: 100,
        rdkafka: { log_level: 0 },
      });
      const ids: bigint[] = [];
      producer.on('producerId', (e) => ids.push(e.producerId));

      const started = performance.now();
      const sends: Promise<RecordMetadata>[] = [];
      for (let i = 0; i < RECORDS; i++)
        sends.push(producer.send({ topic: TOPIC, key: `key-${i % 101}`, value: `value-${i}` }));
      const metadata = await Promise.all(sends);
      await producer.flush({ timeoutMs: 10_000 });
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `[confluent] ${RECORDS} records in ${seconds.toFixed(2)} s (${Math.round(RECORDS / seconds)} records/s)`,
      );

      // Every record acknowledged with its own offset; offsets per partition are 0..n-1 in send order.
      const byPartition = new Map<number, { offset: bigint; index: number }[]>();
      metadata.forEach((m, index) => {
        expect(m.topic).toBe(TOPIC);
        expect(typeof m.offset).toBe('bigint');
        expect(typeof m.timestamp).toBe('bigint');
        const list = byPartition.get(m.partition) ?? [];
        list.push({ offset: m.offset, index });
        byPartition.set(m.partition, list);
      });
      expect(byPartition.size).toBeGreaterThan(1);
      for (const list of byPartition.values())
        expect(list.map((e) => e.offset)).toEqual(list.map((_, i) => BigInt(i)));

      await waitFor('a producer id in state', () => producer!.state.producerId >= 0n, 5_000);
      const state = producer.state;
      expect(state.producerId).toBeGreaterThanOrEqual(0n);
      expect(state.epoch).toBeGreaterThanOrEqual(0);
      expect(state.status).toBe('ready');
      expect(state.librdkafka?.idempState).toBe('Assigned');
      expect(ids).toEqual([state.producerId]);
      expect(state.bufferedBytes).toBe(0);

      // The broker's side: stored once, every batch idempotent under that producer id.
      let total = 0;
      for (let p = 0; p < PARTITIONS; p++) total += server.cluster.readLog(TOPIC, p).logEndOffset;
      expect(total).toBe(RECORDS);

      // Read back with librdkafka's consumer: exactly once, in order per partition.
      const { KafkaJS } = (await import(
        '@confluentinc/kafka-javascript'
      )) as typeof import('@confluentinc/kafka-javascript');
      const kafka = new KafkaJS.Kafka({
        kafkaJS: {
          clientId: 'idem-confluent-reader',
          brokers: server.bootstrapServers.split(','),
          logLevel: KafkaJS.logLevel.NOTHING,
        },
      });
      const consumed: { partition: number; offset: bigint; value: string }[] = [];
      const consumer = kafka.consumer({
        kafkaJS: { groupId: 'idem-confluent-readers', fromBeginning: true },
        'fetch.wait.max.ms': 100,
      });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [TOPIC] });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            consumed.push({ partition, offset: BigInt(message.offset), value: message.value!.toString() });
          },
        });
        await waitFor('10,000 records', () => consumed.length >= RECORDS, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        await consumer.disconnect();
      }
      expect(consumed).toHaveLength(RECORDS);
      expect(new Set(consumed.map((c) => c.value)).size).toBe(RECORDS);
      const read = new Map<number, typeof consumed>();
      for (const c of consumed) read.set(c.partition, [...(read.get(c.partition) ?? []), c]);
      for (const [partition, list] of read) {
        expect(list.map((c) => c.offset)).toEqual(list.map((_, i) => BigInt(i)));
        const indexes = list.map((c) => Number(c.value.slice('value-'.length)));
        expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
        expect(indexes).toEqual(byPartition.get(partition)?.map((e) => e.index));
      }

      await producer.close({ timeoutMs: 5_000 });
      expect(producer.state.status).toBe('closed');
      await expect(producer.send({ topic: TOPIC, value: 'late' })).rejects.toMatchObject({
        code: 'ERR_PRODUCER_CLOSED',
      });
    }, 90_000);

    it('sends a batch and rejects an invalid record without sending it', async () => {
      server = await MemoryBrokerServer.start({
        brokers: 1,
        topics: { [TOPIC]: { partitions: 2 } },
        logger: silentLogger,
        port: PORT + 10,
      });
      producer = confluentProducer({ bootstrapServers: server.bootstrapServers, rdkafka: { log_level: 0 } });
      const metas = await producer.send([
        { topic: TOPIC, partition: 1, value: 'a', headers: { h: 'x' } },
        { topic: TOPIC, partition: 1, value: 'b', timestamp: 1_700_000_000_000n },
      ]);
      expect(metas.map((m) => [m.partition, m.offset])).toEqual([
        [1, 0n],
        [1, 1n],
      ]);
      expect(metas[1]?.timestamp).toBe(1_700_000_000_000n);
      await expect(producer.send({ topic: TOPIC, partition: -2, value: 'x' })).rejects.toBeInstanceOf(
        InvalidRecordError,
      );
      await producer.flush({ timeoutMs: 1_000 });
    }, 30_000);

    it('close({ timeoutMs }) is bounded with no broker reachable; the pending send fails as never sent', async () => {
      producer = confluentProducer({
        bootstrapServers: `127.0.0.1:${PORT + 50}`,
        maxBlockMs: 30_000,
        rdkafka: { log_level: 0 },
      });
      const pending = producer.send({ topic: TOPIC, value: 'never' });
      const started = Date.now();
      await producer.close({ timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(3_000);
      await expect(pending).rejects.toMatchObject({ code: 'ERR_PRODUCER_CLOSED', possiblyPersisted: false });
      expect(producer.state.status).toBe('closed');
      expect(producer.state.bufferedBytes).toBe(0);
    }, 30_000);

    it('close({ timeoutMs }) fails a record whose answer never came as possibly persisted', async () => {
      server = await MemoryBrokerServer.start({
        brokers: 1,
        topics: { [TOPIC]: { partitions: 1 } },
        logger: silentLogger,
        port: PORT + 20,
      });
      producer = confluentProducer({ bootstrapServers: server.bootstrapServers, rdkafka: { log_level: 0 } });
      await producer.send({ topic: TOPIC, partition: 0, value: 'first' });
      // The broker appends the record but its answer is held back.
      const hold = server.cluster.faults.holdResponses({ api: 'Produce' });
      const pending = producer.send({ topic: TOPIC, partition: 0, value: 'held' }).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closing = producer.close({ timeoutMs: 500 });
      const error = await pending;
      hold.release();
      await closing;
      expect(error).toBeInstanceOf(ProducerClosedError);
      expect((error as ProducerClosedError).possiblyPersisted).toBe(true);
      expect(server.cluster.readLog(TOPIC, 0).logEndOffset).toBe(2);
    }, 30_000);

    it('deliveryTimeoutMs bounds a record whose Produce response never comes (DeliveryTimeoutError, possibly persisted)', async () => {
      server = await MemoryBrokerServer.start({
        brokers: 1,
        topics: { [TOPIC]: { partitions: 1 } },
        logger: silentLogger,
        port: 39_560,
      });
      producer = confluentProducer({
        bootstrapServers: server.bootstrapServers,
        lingerMs: 0,
        requestTimeoutMs: 1_000,
        deliveryTimeoutMs: 1_500,
        rdkafka: { log_level: 0 },
      });
      await producer.send({ topic: TOPIC, partition: 0, value: 'first' });
      // The broker appends the record but its answer is held back: only librdkafka's request.timeout.ms and
      // delivery.timeout.ms (topic-level properties) can end the send.
      const hold = server.cluster.faults.holdResponses({ api: 'Produce' });
      const started = Date.now();
      const outcome = await Promise.race([
        producer.send({ topic: TOPIC, partition: 0, value: 'held' }).catch((e: unknown) => e),
        new Promise((resolve) => setTimeout(() => resolve('still pending after 8 s'), 8_000)),
      ]);
      const tookMs = Date.now() - started;
      hold.release();
      expect(outcome).toBeInstanceOf(DeliveryTimeoutError);
      expect((outcome as DeliveryTimeoutError).possiblyPersisted).toBe(true);
      expect(tookMs).toBeLessThan(5_000);
    }, 30_000);

    it('refuses misconfiguration with a ConfigError before librdkafka sees it', () => {
      expect(() => confluentProducer({ bootstrapServers: 'nohost' })).toThrow(ConfigError);
      expect(() => confluentProducer({ bootstrapServers: '127.0.0.1:1', rdkafka: { acks: 1 } })).toThrow(
        ConfigError,
      );
    });
  },
);
