// The producers of the chaos matrix, each behind one tiny interface: one send call of some values to partition 0,
// one outcome per value, never rejecting. A client that cannot be created here (an optional native addon missing,
// a package that does not load) is reported by its reason instead, and the matrix marks its cells n/a.
import { createRequire } from 'node:module';
import { createProducer, isIdemError, systemClock as realClock } from '@idem/core';
import { createKafkajsTransport, idempotentProducer } from '@idem/kafkajs';
import type { MemoryCluster } from '@idem/memory-broker';
import type { SendOutcome } from '@idem/testkit';
import { Kafka, logLevel } from 'kafkajs';

export const CHAOS_CLIENTS = [
  'idem',
  'idem-off',
  'idem-kafkajs',
  'idem-kafkajs-off',
  'idem-confluent',
  'kafkajs-idempotent',
  'kafkajs',
  'librdkafka',
  'librdkafka-off',
  'platformatic',
  'platformatic-off',
] as const;
export type ChaosClientName = (typeof CHAOS_CLIENTS)[number];

/** Clients that promise no duplicates, losses or reorders under every scenario. */
export const IDEM_CLIENTS: readonly ChaosClientName[] = ['idem', 'idem-kafkajs', 'idem-confluent'];

export interface ChaosClient {
  /** One send call of `values` to partition 0; one outcome per value. Never rejects. */
  send(topic: string, values: readonly string[]): Promise<SendOutcome[]>;
  close(): Promise<void>;
}

export interface ClientTarget {
  /** host:port the TCP clients connect to (the memory broker's server, or the fault proxy). */
  readonly bootstrap: string;
  /** On the memory broker: the core clients connect to it in-process. */
  readonly cluster?: MemoryCluster;
  /** How long a send may take before the client gives it up (clients that have such a bound). */
  readonly deliveryTimeoutMs: number;
}

/** Every client's request timeout: short, so retries happen within a cell. */
export const REQUEST_TIMEOUT_MS = 1_000;

function idemOutcome(error: unknown): SendOutcome {
  return {
    status: 'failed',
    code: isIdemError(error) ? error.code : null,
    possiblyPersisted: isIdemError(error) && error.possiblyPersisted,
    typed: isIdemError(error),
  };
}

function otherOutcome(error: unknown): SendOutcome {
  if (isIdemError(error)) return idemOutcome(error);
  const e = (error ?? {}) as { name?: unknown; type?: unknown; code?: unknown; message?: unknown };
  const typed =
    typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'TypeError' && e.name !== 'RangeError';
  const code =
    typeof e.type === 'string'
      ? e.type
      : typeof e.code === 'string' || typeof e.code === 'number'
        ? String(e.code)
        : typed
          ? (e.name as string)
          : null;
  return { status: 'failed', code, possiblyPersisted: false, typed };
}

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0];

interface PerRecordProducer {
  send(record: { topic: string; partition: number; value: string }): Promise<{ offset: bigint | string }>;
}

/** One promise per value, each settled on its own: idem's Producer interface (core and @idem/confluent). */
function perRecord(producer: PerRecordProducer, topic: string, values: readonly string[]) {
  return Promise.all(
    values.map((value) =>
      producer
        .send({ topic, partition: 0, value })
        .then((m): SendOutcome => ({ status: 'acked', partition: 0, offset: BigInt(m.offset) }), idemOutcome),
    ),
  );
}

function kafkaOf(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 200 },
  });
}

function coreClient(target: ClientTarget, idempotent: boolean): ChaosClient {
  const transport =
    target.cluster !== undefined
      ? target.cluster.connect()
      : createKafkajsTransport(kafkaOf(target.bootstrap, idempotent ? 'idem' : 'idem-off'));
  const producer = createProducer({
    transport,
    clock: realClock,
    clientId: idempotent ? 'idem' : 'idem-off',
    idempotent,
    ...(idempotent ? {} : { maxInFlightRequestsPerConnection: 5, retries: 5 }),
    lingerMs: 2,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    deliveryTimeoutMs: target.deliveryTimeoutMs,
    retryBackoffMs: 10,
  });
  return { send: (topic, values) => perRecord(producer, topic, values), close: () => producer.close() };
}

interface KafkajsShaped {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: { value: string; partition: number }[];
  }): Promise<{ baseOffset?: string }[]>;
  disconnect(): Promise<void>;
}

async function kafkajsClient(name: ChaosClientName, target: ClientTarget): Promise<ChaosClient> {
  const kafka = kafkaOf(target.bootstrap, name);
  const idem = {
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    lingerMs: 2,
    deliveryTimeoutMs: target.deliveryTimeoutMs,
  };
  const producer: KafkajsShaped =
    name === 'idem-kafkajs'
      ? idempotentProducer(kafka, { idem })
      : name === 'idem-kafkajs-off'
        ? idempotentProducer(kafka, { idempotent: false, idem: { ...idem, idempotent: false, retries: 5 } })
        : name === 'kafkajs-idempotent'
          ? kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
          : kafka.producer();
  await producer.connect();
  return {
    async send(topic, values) {
      try {
        const [meta] = await producer.send({
          topic,
          messages: values.map((value) => ({ value, partition: 0 })),
        });
        const base = BigInt(meta?.baseOffset ?? '-1');
        return values.map((_, i) => ({
          status: 'acked',
          partition: 0,
          offset: base < 0n ? -1n : base + BigInt(i),
        }));
      } catch (error) {
        const results = (error as { results?: readonly unknown[] }).results;
        return values.map((_, i): SendOutcome => {
          const result = results?.[i] ?? error;
          if (result !== null && typeof result === 'object' && 'offset' in result)
            return { status: 'acked', partition: 0, offset: BigInt((result as { offset: bigint }).offset) };
          if (isIdemError(result)) return idemOutcome(result);
          const e = result as { name?: unknown; type?: unknown };
          const typed = typeof e.name === 'string' && e.name.startsWith('KafkaJS');
          const code = typeof e.type === 'string' ? e.type : typed ? (e.name as string) : null;
          return { status: 'failed', code, possiblyPersisted: false, typed };
        });
      }
    },
    close: () => producer.disconnect(),
  };
}

async function idemConfluentClient(target: ClientTarget): Promise<ChaosClient | string> {
  try {
    const { confluentProducer } = await import('@idem/confluent');
    const producer = confluentProducer({
      bootstrapServers: target.bootstrap,
      clientId: 'idem-confluent',
      lingerMs: 2,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      deliveryTimeoutMs: target.deliveryTimeoutMs,
      retryBackoffMs: 10,
    });
    return {
      send: (topic, values) => perRecord(producer, topic, values),
      close: () => producer.close({ timeoutMs: 2_000 }),
    };
  } catch (error) {
    return `@idem/confluent unavailable (${firstLine(error)})`;
  }
}

/**
 * librdkafka's own producer through @confluentinc/kafka-javascript's native (node-rdkafka style) API: produce() per
 * record and a delivery report per record, so each value gets its own outcome. With `idempotent` false it is
 * librdkafka's default producer otherwise tuned the same (acks=all, 5 in flight, retries).
 */
async function librdkafkaClient(target: ClientTarget, idempotent: boolean): Promise<ChaosClient | string> {
  // biome-ignore lint/suspicious/noExplicitAny: an optional dependency without types here.
  let confluent: any;
  try {
    confluent = createRequire(import.meta.url)('@confluentinc/kafka-javascript');
  } catch (error) {
    return `@confluentinc/kafka-javascript did not load (${firstLine(error)})`;
  }
  const native = new confluent.Producer({
    'bootstrap.servers': target.bootstrap,
    'client.id': idempotent ? 'librdkafka' : 'librdkafka-off',
    'enable.idempotence': idempotent,
    acks: 'all',
    'max.in.flight.requests.per.connection': 5,
    'linger.ms': 2,
    'request.timeout.ms': REQUEST_TIMEOUT_MS,
    'message.timeout.ms': target.deliveryTimeoutMs,
    'retry.backoff.ms': 10,
    'reconnect.backoff.ms': 20,
    'topic.metadata.refresh.interval.ms': 1_000,
    dr_cb: true,
  });
  try {
    await new Promise<void>((resolve, reject) =>
      native.connect({ timeout: 10_000 }, (err: unknown) => (err ? reject(err) : resolve())),
    );
  } catch (error) {
    return `librdkafka did not connect (${firstLine(error)})`;
  }
  native.setPollInBackground(true);
  type Settle = (outcome: SendOutcome) => void;
  native.on(
    'delivery-report',
    (err: { code?: number; message?: string } | null, report: { opaque: Settle; offset: number }) => {
      report.opaque(
        err
          ? {
              status: 'failed',
              code: String(err.code ?? err.message ?? 'error'),
              possiblyPersisted: false,
              typed: err.code !== undefined,
            }
          : { status: 'acked', partition: 0, offset: BigInt(report.offset) },
      );
    },
  );
  const produceOne = (topic: string, value: string) =>
    new Promise<SendOutcome>((settle) => {
      try {
        native.produce(topic, 0, Buffer.from(value), null, null, settle);
      } catch (error) {
        settle(otherOutcome(error));
      }
    });
  return {
    send: (topic, values) => Promise.all(values.map((v) => produceOne(topic, v))),
    close: () => new Promise<void>((resolve) => native.disconnect(2_000, () => resolve())),
  };
}

/** @platformatic/kafka's current major (2.x, the npm alias @platformatic/kafka-2); its producer takes `idempotent`. */
async function platformaticClient(target: ClientTarget, idempotent: boolean): Promise<ChaosClient | string> {
  let kafka: typeof import('@platformatic/kafka-2');
  try {
    kafka = await import('@platformatic/kafka-2');
  } catch (error) {
    return `@platformatic/kafka 2.x did not load (${firstLine(error)})`;
  }
  const producer = new kafka.Producer({
    clientId: idempotent ? 'platformatic' : 'platformatic-off',
    bootstrapBrokers: target.bootstrap.split(','),
    idempotent,
    acks: -1,
    timeout: REQUEST_TIMEOUT_MS,
    retries: 5,
    retryDelay: 20,
    serializers: kafka.stringSerializers,
  });
  return {
    async send(topic, values) {
      try {
        const result = await producer.send({
          messages: values.map((value) => ({ topic, value, partition: 0 })),
        });
        const base = BigInt(result.offsets?.find((o) => o.partition === 0)?.offset ?? -1n);
        return values.map((_, i) => ({
          status: 'acked',
          partition: 0,
          offset: base < 0n ? -1n : base + BigInt(i),
        }));
      } catch (error) {
        return values.map(() => otherOutcome(error));
      }
    },
    close: () => producer.close(),
  };
}

/** A client for `name` on `target`, or the reason it cannot run here. */
export async function createChaosClient(
  name: ChaosClientName,
  target: ClientTarget,
): Promise<ChaosClient | string> {
  try {
    switch (name) {
      case 'idem':
      case 'idem-off':
        return coreClient(target, name === 'idem');
      case 'idem-kafkajs':
      case 'idem-kafkajs-off':
      case 'kafkajs-idempotent':
      case 'kafkajs':
        return await kafkajsClient(name, target);
      case 'idem-confluent':
        return await idemConfluentClient(target);
      case 'librdkafka':
      case 'librdkafka-off':
        return await librdkafkaClient(target, name === 'librdkafka');
      case 'platformatic':
      case 'platformatic-off':
        return await platformaticClient(target, name === 'platformatic');
    }
  } catch (error) {
    return `${name} could not start (${firstLine(error)})`;
  }
}
