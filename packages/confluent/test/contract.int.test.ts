/**
 * The core's Producer contract for this adapter on the real Apache Kafka broker (tooling/kafka's, or
 * KAFKA_BOOTSTRAP's cluster). Needs the native binding; skipped, with the reason, where it does not load or there is
 * no broker.
 */
import { describeKafka, requireBootstrap, uniqueTopic } from '@idem/kafka-tooling';
import { runProducerContract } from '@idem/testing';
import { describe, expect, it } from 'vitest';
import { confluentProducer, loadNative, resolveConfluentConfig } from '../src/index.js';
import { LIBRDKAFKA_CONTRACT_SKIPS } from './support/contract-skips.js';
import { createTopic, kafkaOf, readTopic, type StoredMessage } from './support/kafka.js';

const native = loadNative();
const skipReason = 'reason' in native ? native.reason : null;
if (skipReason !== null) console.info(`[confluent contract] skipped: ${skipReason}`);

if (skipReason === null) {
  describeKafka('confluent adapter on Kafka 4.3.0', () => {
    runProducerContract(
      'idem-confluent on a real broker',
      async ({ partitions, options }) => {
        const bootstrap = requireBootstrap();
        // Options are checked before any topic exists: a ConfigError must come from the adapter's validation alone.
        resolveConfluentConfig({ bootstrapServers: bootstrap, ...options });
        const kafka = await kafkaOf(bootstrap);
        const topic = uniqueTopic('idem-confluent-contract');
        await createTopic(kafka, topic, partitions);
        const producer = confluentProducer({
          bootstrapServers: bootstrap,
          ...options,
          rdkafka: { log_level: 0 },
        });
        await producer.connect();
        let log: Map<number, StoredMessage[]> | null = null;
        return {
          producer,
          topic,
          readLog: async (partition) => {
            log ??= await readTopic(kafka, topic);
            return log.get(partition) ?? [];
          },
          settle: (promise) => promise,
          dispose: () => producer.close({ timeoutMs: 10_000 }),
        };
      },
      { skip: LIBRDKAFKA_CONTRACT_SKIPS },
    );

    // The skipped case's other half on a real broker: a producer id and epoch once the first send is acknowledged.
    it('state shows the producer id and epoch Kafka assigned, sequences as unknown (-1)', async () => {
      const bootstrap = requireBootstrap();
      const kafka = await kafkaOf(bootstrap);
      const topic = uniqueTopic('idem-confluent-state');
      await createTopic(kafka, topic, 1);
      const producer = confluentProducer({
        bootstrapServers: bootstrap,
        statisticsIntervalMs: 50,
        rdkafka: { log_level: 0 },
      });
      try {
        const ids: bigint[] = [];
        producer.on('producerId', (e) => ids.push(e.producerId));
        const metas = await Promise.all(
          Array.from({ length: 4 }, (_, i) => producer.send({ topic, partition: 0, value: `s${i}` })),
        );
        expect(metas.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n]);
        const deadline = Date.now() + 5_000;
        while (producer.state.producerId < 0n && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        const state = producer.state;
        expect(state.producerId).toBeGreaterThanOrEqual(0n);
        expect(state.epoch).toBeGreaterThanOrEqual(0);
        expect(ids).toEqual([state.producerId]);
        expect(state.partitions.find((p) => p.partition === 0)).toMatchObject({
          topic,
          producerId: state.producerId,
          epoch: state.epoch,
          lastAckedOffset: 3n,
          nextSequence: -1,
          lastAckedSequence: -1,
          inFlight: [],
        });
        expect(Object.isFrozen(state)).toBe(true);
      } finally {
        await producer.close({ timeoutMs: 10_000 });
      }
    });
  });
} else {
  describe.skip(`Producer contract: idem-confluent on a real broker (skipped: ${skipReason})`, () => {
    it('needs @confluentinc/kafka-javascript', () => {});
  });
}
