// kafkajs through the fault proxy against a real Apache Kafka broker: the proxy is transparent when no rule fires,
// and every fault kind visibly hits the client (and, for ack lost, hits *after* the broker appended the batch).
import { describeKafka, requireBootstrap, uniqueTopic } from '@idem/kafka-tooling';
import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/index.js';

const PRODUCE = 0;
const FETCH = 1;

function kafkaVia(bootstrap: string, retries: number): Kafka {
  return new Kafka({
    clientId: 'fault-proxy-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

async function producerVia(proxy: FaultProxy, retries: number): Promise<Producer> {
  const producer = kafkaVia(proxy.bootstrap, retries).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  await producer.connect();
  return producer;
}

describeKafka('fault proxy with kafkajs and a real broker', () => {
  let admin: Admin;
  let proxy: FaultProxy;
  let topic: string;
  const open: { disconnect(): Promise<void> }[] = [];

  /** Records the broker holds for the (1-partition) topic, read directly from the broker, not through the proxy. */
  async function logSize(): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  }

  beforeAll(async () => {
    admin = kafkaVia(requireBootstrap(), 3).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  beforeEach(async () => {
    topic = uniqueTopic('fault-proxy');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    proxy = await startFaultProxy({ upstream: requireBootstrap(), seed: 1, maxLifetimeMs: 90_000 });
  });

  afterEach(async () => {
    for (const c of open.splice(0)) await c.disconnect().catch(() => {});
    await proxy.close();
  });

  it('is transparent: produce and consume work, and traffic after bootstrap goes through the node listener', async () => {
    const producer = await producerVia(proxy, 3);
    open.push(producer);
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });

    const consumer = kafkaVia(proxy.bootstrap, 3).consumer({ groupId: uniqueTopic('fault-proxy-group') });
    open.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed only ${got.length}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value?.toString() ?? '');
          if (got.length === values.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    expect(got).toEqual(values);
    expect(proxy.requestsForwarded({ nodeId: 1, apiKey: PRODUCE })).toBeGreaterThanOrEqual(1);
    expect(proxy.requestsForwarded({ nodeId: 1, apiKey: FETCH })).toBeGreaterThanOrEqual(1);
    // Nothing but bootstrap chatter (ApiVersions, Metadata, …) went to the bootstrap listener.
    expect(proxy.requestsForwarded({ nodeId: 'bootstrap', apiKey: PRODUCE })).toBe(0);
    expect(proxy.count('addressesRewritten')).toBeGreaterThanOrEqual(2); // Metadata and FindCoordinator
  });

  it('ackLost on Produce: kafkajs without idempotence retries and the log holds the record twice', async () => {
    const producer = await producerVia(proxy, 3);
    open.push(producer);
    proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE], count: 1 });
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ value: 'only-once?' }] });
    expect(proxy.count('ackLost')).toBe(1);
    expect(meta?.baseOffset).toBe('1'); // the retry appended after the first, unacknowledged copy
    expect(await logSize()).toBe(2);
  });

  it('cut before forwarding: kafkajs (no retries) fails and the broker never saw the batch', async () => {
    const producer = await producerVia(proxy, 0);
    open.push(producer);
    proxy.addFault({ kind: 'cut', apiKeys: [PRODUCE] });
    await expect(producer.send({ topic, acks: -1, messages: [{ value: 'x' }] })).rejects.toThrow();
    expect(proxy.count('cut')).toBe(1);
    expect(await logSize()).toBe(0);
  });

  it('delay: the send takes at least the delay, and the record lands once', async () => {
    const producer = await producerVia(proxy, 0);
    open.push(producer);
    proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 700 });
    const started = performance.now();
    await producer.send({ topic, acks: -1, messages: [{ value: 'late' }] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(690);
    expect(proxy.count('delay')).toBe(1);
    expect(await logSize()).toBe(1);
  });

  it('blackhole then release: the send stalls for the hole, then succeeds once', async () => {
    const producer = await producerVia(proxy, 0);
    open.push(producer);
    proxy.addFault({ kind: 'blackhole', apiKeys: [PRODUCE], durationMs: 800, end: 'release' });
    const started = performance.now();
    await producer.send({ topic, acks: -1, messages: [{ value: 'held' }] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(790);
    expect(await logSize()).toBe(1);
  });

  it('blackhole then cut: the send fails after the hole and the broker never saw the batch', async () => {
    const producer = await producerVia(proxy, 0);
    open.push(producer);
    proxy.addFault({ kind: 'blackhole', apiKeys: [PRODUCE], durationMs: 800, end: 'cut' });
    const started = performance.now();
    await expect(producer.send({ topic, acks: -1, messages: [{ value: 'gone' }] })).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(790);
    expect(await logSize()).toBe(0);
  });
});
