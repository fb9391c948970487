// The producers the throughput suite compares, each behind the same tiny interface: send one record, resolve on ack.
import { createRequire } from 'node:module';
import { idempotentProducer } from '@idem/kafkajs';
import { Kafka, logLevel } from 'kafkajs';

export const CLIENT_NAMES = [
  'idem-kafkajs',
  'kafkajs-idempotent',
  'kafkajs',
  'librdkafka',
  'confluent',
] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export interface BenchClient {
  readonly name: ClientName;
  connect(): Promise<void>;
  /** One `send` of `count` copies of `value`; resolves when all are acknowledged. */
  send(topic: string, value: Buffer, count: number): Promise<unknown>;
  disconnect(): Promise<void>;
}

function kafkaOf(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

/** A client for `name`, or the reason it cannot run here. */
export function createBenchClient(name: ClientName, bootstrap: string): BenchClient | string {
  switch (name) {
    case 'idem-kafkajs': {
      const producer = idempotentProducer(kafkaOf(bootstrap, 'bench-idem'));
      const messages = messageLists();
      return {
        name,
        connect: () => producer.connect(),
        send: (topic, value, count) => producer.send({ topic, messages: messages(value, count) }),
        disconnect: () => producer.disconnect(),
      };
    }
    case 'kafkajs-idempotent':
    case 'kafkajs': {
      const kafka = kafkaOf(bootstrap, `bench-${name}`);
      // kafkajs's idempotent producer refuses more than one request in flight (kafkajs#980).
      const producer =
        name === 'kafkajs-idempotent'
          ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
          : kafka.producer();
      const messages = messageLists();
      return {
        name,
        connect: () => producer.connect(),
        send: (topic, value, count) => producer.send({ topic, messages: messages(value, count) }),
        disconnect: () => producer.disconnect(),
      };
    }
    case 'librdkafka':
      return librdkafkaClient(bootstrap);
    case 'confluent':
      return '@idem/confluent has no producer yet (use librdkafka for librdkafka itself)';
  }
}

/** The subset of @confluentinc/kafka-javascript's KafkaJS-style API the bench drives. */
interface ConfluentModule {
  KafkaJS: {
    Kafka: new (
      config: object,
    ) => {
      producer(config: object): {
        connect(): Promise<void>;
        send(record: { topic: string; messages: { value: Buffer }[] }): Promise<unknown>;
        disconnect(): Promise<void>;
      };
    };
    logLevel: { NOTHING: number };
  };
}

/**
 * librdkafka's own idempotent producer (enable.idempotence=true, its defaults otherwise) through
 * @confluentinc/kafka-javascript, an optional dependency: it compiles from source at install.
 */
function librdkafkaClient(bootstrap: string): BenchClient | string {
  let confluent: ConfluentModule;
  try {
    confluent = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as ConfluentModule;
  } catch (error) {
    return `@confluentinc/kafka-javascript did not load (${(error as Error).message.split('\n')[0]})`;
  }
  const kafka = new confluent.KafkaJS.Kafka({
    kafkaJS: {
      clientId: 'bench-librdkafka',
      brokers: [bootstrap],
      logLevel: confluent.KafkaJS.logLevel.NOTHING,
    },
  });
  // linger.ms 5 as idem's default, so both batch alike; librdkafka's own default is also 5.
  const producer = kafka.producer({ 'enable.idempotence': true, 'linger.ms': 5 });
  const messages = messageLists();
  return {
    name: 'librdkafka',
    connect: () => producer.connect(),
    send: (topic, value, count) => producer.send({ topic, messages: messages(value, count) }),
    disconnect: () => producer.disconnect(),
  };
}

/**
 * Reused message lists, one cache per client: building them outside the timed loop keeps allocation out of the
 * comparison, and no client sees another's lists (the confluent client writes fields into the objects it sends).
 */
function messageLists(): (value: Buffer, count: number) => { value: Buffer }[] {
  const cache = new Map<number, { value: Buffer }[]>();
  return (value, count) => {
    let list = cache.get(count);
    if (list === undefined || list[0]?.value !== value) {
      list = Array.from({ length: count }, () => ({ value }));
      cache.set(count, list);
    }
    return list;
  };
}
