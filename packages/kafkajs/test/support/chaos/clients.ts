// The producers the chaos scenarios run: idem's adapter, and kafkajs's own producer with and without idempotence.
// Each is driven through kafkajs's `send({ topic, messages })` surface, so the workload is identical.
import { isIdemError } from '@idem/core';
import type { Kafka } from 'kafkajs';
import { idempotentProducer } from '../../../src/index.js';

export type ClientName = 'idem-kafkajs' | 'kafkajs-idempotent' | 'kafkajs';
export const CLIENT_NAMES: readonly ClientName[] = ['idem-kafkajs', 'kafkajs-idempotent', 'kafkajs'];

/** How one message of a send ended. */
export type MessageOutcome =
  | { readonly ok: true; readonly offset: bigint }
  | {
      readonly ok: false;
      readonly code: string | null;
      readonly possiblyPersisted: boolean;
      readonly typed: boolean;
    };

export interface ChaosClient {
  readonly name: ClientName;
  connect(): Promise<void>;
  /** Sends `values` to one partition; one outcome per value, in order. Never rejects. */
  send(topic: string, partition: number, values: readonly string[]): Promise<MessageOutcome[]>;
  disconnect(): Promise<void>;
}

/** The one surface both producers share: kafkajs's `send({ topic, messages })`. */
interface KafkajsShapedProducer {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: { value: string; partition: number }[];
  }): Promise<{ baseOffset?: string }[]>;
  disconnect(): Promise<void>;
}

/** Drives `producer` the same way for every client; `failed` maps a rejection to one outcome per message. */
function chaosClient(
  name: ClientName,
  producer: KafkajsShapedProducer,
  failed: (error: unknown, count: number) => MessageOutcome[],
): ChaosClient {
  return {
    name,
    connect: () => producer.connect(),
    async send(topic, partition, values) {
      try {
        const [meta] = await producer.send({
          topic,
          messages: values.map((value) => ({ value, partition })),
        });
        const base = BigInt(meta?.baseOffset ?? '-1');
        // -1: acknowledged without an offset (a duplicate, or a batch proven written by a later one's ack);
        // the checker then asks only that the record be in the log, once.
        return values.map((_, i) => ({ ok: true, offset: base < 0n ? -1n : base + BigInt(i) }));
      } catch (error) {
        return failed(error, values.length);
      }
    },
    disconnect: () => producer.disconnect(),
  };
}

export function createChaosClient(name: ClientName, kafka: Kafka): ChaosClient {
  if (name === 'idem-kafkajs') {
    // Short request timeout so a frozen connection is given up and retried well within the run.
    const producer = idempotentProducer(kafka, { idem: { requestTimeoutMs: 5_000, lingerMs: 5 } });
    return chaosClient(name, producer, (error, count) => {
      // A BatchSendError carries one result per message: metadata, or the error that failed it.
      const results = (error as { results?: readonly unknown[] }).results;
      return Array.from({ length: count }, (_, i) => {
        const result = results?.[i] ?? error;
        if (result !== null && typeof result === 'object' && 'offset' in result) {
          return { ok: true, offset: (result as { offset: bigint }).offset };
        }
        return {
          ok: false,
          code: isIdemError(result) ? result.code : null,
          possiblyPersisted: isIdemError(result) && result.possiblyPersisted,
          typed: isIdemError(result),
        };
      });
    });
  }
  const producer =
    name === 'kafkajs-idempotent'
      ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      : kafka.producer(); // kafkajs's defaults: no idempotence, 5 retries, unlimited requests in flight
  return chaosClient(name, producer, (error, count) => {
    const e = error as { name?: unknown; type?: unknown };
    const typed = typeof e.name === 'string' && e.name.startsWith('KafkaJS');
    // kafkajs's errors never say whether the records may be in the log anyway.
    const code = typeof e.type === 'string' ? e.type : typed ? (e.name as string) : null;
    return Array.from({ length: count }, () => ({ ok: false, code, possiblyPersisted: false, typed }));
  });
}
