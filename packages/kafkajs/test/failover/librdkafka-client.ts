// librdkafka's own idempotent producer (@confluentinc/kafka-javascript, enable.idempotence=true) behind the chaos
// suite's ChaosClient shape, so the failover workload drives it like the other three. Each record is its own
// send() (librdkafka enqueues them in call order), so every record gets its own outcome and offset.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChaosClient, MessageOutcome } from '../support/chaos/clients.js';

/** The package is a dependency of apps/bench (which compiles it at install), not of this package: load it from there. */
const BENCH_PACKAGE = path.resolve(import.meta.dirname, '../../../../apps/bench/package.json');

interface ConfluentProducer {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: { value: string; partition: number }[];
  }): Promise<{ baseOffset?: string }[]>;
  disconnect(): Promise<void>;
}
interface ConfluentModule {
  KafkaJS: {
    Kafka: new (config: object) => { producer(config: object): ConfluentProducer };
    logLevel: { NOTHING: number };
  };
}

export type FailoverClient = Omit<ChaosClient, 'name'> & { readonly name: string };

/** A librdkafka client for `bootstrap`, or why it cannot run here. */
export function librdkafkaClient(bootstrap: string): FailoverClient | string {
  let confluent: ConfluentModule;
  try {
    confluent = createRequire(BENCH_PACKAGE)('@confluentinc/kafka-javascript') as ConfluentModule;
  } catch (error) {
    return `@confluentinc/kafka-javascript did not load (${(error as Error).message.split('\n')[0]})`;
  }
  const kafka = new confluent.KafkaJS.Kafka({
    kafkaJS: {
      clientId: 'idem-failover-librdkafka',
      brokers: bootstrap.split(','),
      logLevel: confluent.KafkaJS.logLevel.NOTHING,
    },
  });
  // linger.ms 5 as idem's chaos client; librdkafka's other defaults (5 in flight, acks=all under idempotence).
  const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
  return {
    name: 'librdkafka',
    connect: () => producer.connect(),
    async send(topic, partition, values) {
      const settled = await Promise.allSettled(
        values.map((value) => producer.send({ topic, messages: [{ value, partition }] })),
      );
      return settled.map((s): MessageOutcome => {
        if (s.status === 'fulfilled') return { ok: true, offset: BigInt(s.value[0]?.baseOffset ?? '-1') };
        const e = s.reason as { name?: unknown; code?: unknown };
        const typed = typeof e.name === 'string' && e.name.startsWith('KafkaJS');
        return {
          ok: false,
          code: e.code === undefined ? null : String(e.code),
          possiblyPersisted: false,
          typed,
        };
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
