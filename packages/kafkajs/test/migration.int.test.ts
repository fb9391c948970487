// The migration promise: a kafkajs producer example keeps working when `kafka.producer(opts)` becomes
// `idempotentProducer(kafka, opts)` — against the broker's SASL_PLAINTEXT listener, so the credentials given to
// `new Kafka({ sasl })` must really flow through kafkajs's connections into idem's requests.
import { describeKafka, kafkaTarget, SASL_PLAIN_CREDENTIALS, uniqueTopic } from '@idem/kafka-tooling';
import { CompressionTypes, type Kafka, type Producer, type RecordMetadata } from 'kafkajs';
import { expect, it } from 'vitest';
import { idempotentProducer } from '../src/index.js';
import { createTopic, kafkaOf } from './support/kafka-clients.js';
import { readTopic } from './support/read-topic.js';

type ExampleProducer = Pick<Producer, 'connect' | 'send' | 'sendBatch' | 'disconnect' | 'on'>;

/** An ordinary kafkajs producer program: connect, send with the usual options, sendBatch, disconnect. */
async function example(producer: ExampleProducer, topic: string, other: string) {
  const events: string[] = [];
  producer.on('producer.connect', (e) => events.push(e.type));
  const removeDisconnect = producer.on('producer.disconnect', (e) => events.push(e.type));
  await producer.connect();
  const sent = await producer.send({
    topic,
    acks: -1,
    timeout: 30_000,
    compression: CompressionTypes.None,
    messages: [
      { key: 'user-1', value: 'signed up', headers: { source: 'web', tags: ['a', Buffer.from('b')] } },
      { key: Buffer.from('user-2'), value: Buffer.from('logged in'), timestamp: '1700000000000' },
      { value: 'explicit partition', partition: 2 },
      { key: 'user-1', value: null },
    ],
  });
  const batch = await producer.sendBatch({
    acks: -1,
    topicMessages: [
      { topic, messages: [{ key: 'user-3', value: 'batched' }] },
      { topic: other, messages: [{ value: 'elsewhere', partition: 0 }] },
    ],
  });
  await producer.disconnect();
  removeDisconnect();
  return { sent, batch, events };
}

function shapeOf(metadata: RecordMetadata[]) {
  return metadata
    .map((m) => ({ ...m, baseOffset: typeof m.baseOffset, logAppendTime: m.logAppendTime }))
    .sort((a, b) => a.topicName.localeCompare(b.topicName) || a.partition - b.partition);
}

describeKafka('migrating a kafkajs producer by one line (SASL/PLAIN)', () => {
  const sasl = (): string => {
    const { saslBootstrap } = kafkaTarget();
    if (!saslBootstrap) throw new Error('the broker has no SASL/PLAIN listener (set KAFKA_SASL_BOOTSTRAP)');
    return saslBootstrap;
  };
  const saslKafka = (password: string = SASL_PLAIN_CREDENTIALS.password): Kafka =>
    kafkaOf(sasl(), {
      sasl: { mechanism: 'plain', username: SASL_PLAIN_CREDENTIALS.username, password },
      retry: { retries: 1, initialRetryTime: 50 },
    });

  it('runs the same example with kafka.producer() and with idempotentProducer()', async () => {
    const kafka = saslKafka();
    const topics = { plain: uniqueTopic('mig-kafkajs'), idem: uniqueTopic('mig-idem') };
    const others = { plain: uniqueTopic('mig-kafkajs-b'), idem: uniqueTopic('mig-idem-b') };
    for (const t of [...Object.values(topics), ...Object.values(others)]) await createTopic(kafka, t, 3);

    const before = await example(kafka.producer({ retry: { retries: 3 } }), topics.plain, others.plain);
    // The one changed line:
    const after = await example(
      idempotentProducer(kafka, { retry: { retries: 3 } }),
      topics.idem,
      others.idem,
    );

    expect(after.events).toEqual(before.events);
    const strip = (m: RecordMetadata[], topic: string, other: string) =>
      shapeOf(m).map((r) => ({
        ...r,
        topicName: r.topicName === topic ? 'T' : r.topicName === other ? 'O' : '?',
      }));
    expect(strip(after.sent, topics.idem, others.idem)).toEqual(
      strip(before.sent, topics.plain, others.plain),
    );
    expect(strip(after.batch, topics.idem, others.idem)).toEqual(
      strip(before.batch, topics.plain, others.plain),
    );

    // Both topics hold the same records, with keys, headers and timestamps intact.
    const read = async (topic: string) => {
      const consumer = kafka.consumer({ groupId: `mig-${topic}` });
      const seen: {
        partition: number;
        key: string | null;
        value: string | null;
        headers: string;
        ts?: string;
      }[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            seen.push({
              partition,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: JSON.stringify(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
              ...(message.timestamp === '1700000000000' ? { ts: message.timestamp } : {}),
            });
            if (seen.length === 5) resolve();
          },
        });
      });
      await consumer.disconnect();
      return seen.sort((a, b) => `${a.value}`.localeCompare(`${b.value}`));
    };
    expect(await read(topics.idem)).toEqual(await read(topics.plain));
    const [idemResult] = after.sent.filter((m) => m.partition === 2);
    expect(Number(idemResult?.baseOffset)).toBeGreaterThanOrEqual(0);
  });

  it('sends over the SASL listener only with the right credentials', async () => {
    const wrong = idempotentProducer(saslKafka('not-the-password'));
    await expect(wrong.connect()).rejects.toThrow(/SASL|authentic/i);
    await wrong.disconnect();

    const kafka = saslKafka();
    const topic = uniqueTopic('mig-sasl');
    const producer = idempotentProducer(kafka);
    await producer.connect();
    const sends = Array.from({ length: 20 }, (_, i) =>
      producer.send({ topic, messages: [{ key: `k${i % 4}`, value: `v${i}` }] }),
    );
    const results = (await Promise.all(sends)).flat();
    expect(results).toHaveLength(20);
    expect(producer.producer.state.producerId).toBeGreaterThanOrEqual(0n);
    await producer.disconnect();
    const log = [...(await readTopic(kafka, topic)).values()].flat();
    expect(log.map((r) => r.value).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort());
  });
});
