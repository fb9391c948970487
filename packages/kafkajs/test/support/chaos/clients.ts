// The producers the chaos scenarios run: idem's adapter, and kafkajs's own producer with and without idempotence.
// Each is driven through kafkajs's `send({ topic, messages })` surface, so the workload is identical. Opt-in, as a
// measured client: idem-confluent (@idem/confluent, librdkafka's idempotent producer behind idem's Producer),
// driven through idem's own `send(records)`.
import { confluentProducer, loadNative } from '@idem/confluent';
import { isIdemError, type Producer } from '@idem/core';
import type { Kafka } from 'kafkajs';
import { idempotentProducer } from '../../../src/index.js';

export type ClientName = 'idem-kafkajs' | 'kafkajs-idempotent' | 'kafkajs' | 'idem-confluent';
/** The clients the chaos and comparison suites run by default; idem-confluent only when asked (see below). */
export const CLIENT_NAMES: readonly ClientName[] = ['idem-kafkajs', 'kafkajs-idempotent', 'kafkajs'];

/** Set to 1 to add idem-confluent to the comparison suite's measured clients (not run by default: CI time). */
export const CONFLUENT_ENV = 'IDEM_CHAOS_CONFLUENT';

/** Why idem-confluent cannot run here (its native binding did not load), or null when it can. */
export function confluentUnavailable(): string | null {
  const native = loadNative();
  return 'reason' in native ? native.reason : null;
}

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

/** idem's outcome per message of a failed `send(records)`: a BatchSendError carries one result per message. */
function idemOutcomes(error: unknown, count: number): MessageOutcome[] {
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
}

/**
 * idem-confluent for `bootstrap`: the same settings as idem-kafkajs's chaos client (5 s request timeout, linger 5 ms,
 * idem's defaults otherwise: 5 in flight, unlimited retries within deliveryTimeoutMs). One `send(records)` per call:
 * librdkafka enqueues them in call order and reports each record, so every record gets its own outcome and offset.
 */
export function idemConfluentClient(bootstrap: string): ChaosClient {
  const why = confluentUnavailable();
  if (why !== null) throw new Error(`idem-confluent cannot run: ${why}`);
  const producer: Producer & { connect(): Promise<void> } = confluentProducer({
    bootstrapServers: bootstrap,
    clientId: 'idem-chaos-confluent',
    requestTimeoutMs: 5_000,
    lingerMs: 5,
    rdkafka: { log_level: 0 },
  });
  return {
    name: 'idem-confluent',
    connect: () => producer.connect(),
    async send(topic, partition, values) {
      try {
        const metadata = await producer.send(values.map((value) => ({ topic, partition, value })));
        return metadata.map((m) => ({ ok: true, offset: m.offset }));
      } catch (error) {
        return idemOutcomes(error, values.length);
      }
    },
    disconnect: () => producer.close({ timeoutMs: 10_000 }),
  };
}

/** `bootstrap` (the address `kafka` was made for) is needed by idem-confluent only, which does not use kafkajs. */
export function createChaosClient(name: ClientName, kafka: Kafka, bootstrap?: string): ChaosClient {
  if (name === 'idem-confluent') {
    if (bootstrap === undefined) throw new Error('idem-confluent needs the bootstrap address');
    return idemConfluentClient(bootstrap);
  }
  if (name === 'idem-kafkajs') {
    // Short request timeout so a frozen connection is given up and retried well within the run.
    const producer = idempotentProducer(kafka, { idem: { requestTimeoutMs: 5_000, lingerMs: 5 } });
    return chaosClient(name, producer, idemOutcomes);
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
