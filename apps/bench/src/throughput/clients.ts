// The producers the throughput suite compares, each behind the same tiny interface: send one record, resolve on ack.
import { idempotentProducer } from '@idem/kafkajs';
import { Kafka, logLevel } from 'kafkajs';

export const CLIENT_NAMES = ['idem-kafkajs', 'kafkajs-idempotent', 'kafkajs', 'confluent'] as const;
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
      return {
        name,
        connect: () => producer.connect(),
        send: (topic, value, count) => producer.send({ topic, messages: messages(value, count) }),
        disconnect: () => producer.disconnect(),
      };
    }
    case 'confluent':
      return '@idem/confluent has no producer yet';
  }
}

const cache = new Map<number, { value: Buffer }[]>();
function messages(value: Buffer, count: number): { value: Buffer }[] {
  let list = cache.get(count);
  if (list === undefined || list[0]?.value !== value) {
    list = Array.from({ length: count }, () => ({ value }));
    cache.set(count, list);
  }
  return list;
}
