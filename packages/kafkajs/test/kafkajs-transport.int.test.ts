// The kafkajs Transport against a real Apache Kafka 4.3.0 broker: idempotent batches encoded by idem, pipelined
// five at a time on kafkajs's connection, deduplicated by the broker on retry — over PLAINTEXT, over SASL/PLAIN,
// with flexible versions, and through the fault proxy.
import { encodeRecordBatch, type ProduceRequest, type ProduceResponse } from '@idem/codec';
import { fatalConnectionCause, isNotSent } from '@idem/core';
import { startFaultProxy } from '@idem/fault-proxy';
import {
  describeKafka,
  kafkaTarget,
  requireBootstrap,
  SASL_PLAIN_CREDENTIALS,
  uniqueTopic,
} from '@idem/kafka-tooling';
import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkajsTransport, type KafkajsTransport, type KafkajsTransportOptions } from '../src/index.js';

const RECORDS_PER_BATCH = 10;
const BATCHES = 40;
const IN_FLIGHT = 5;
const PRODUCE = 0;

function kafkaOf(bootstrap: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'idem-kafkajs-transport-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 2, initialRetryTime: 100 },
    ...extra,
  });
}

interface Identity {
  producerId: bigint;
  epoch: number;
}

function produceRequest(
  topic: string,
  identity: Identity,
  baseSequence: number,
  tag: string,
): ProduceRequest {
  const records = encodeRecordBatch({
    producerId: identity.producerId,
    producerEpoch: identity.epoch,
    baseSequence,
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
      key: Buffer.from(`k${baseSequence + i}`),
      value: Buffer.from(`${tag}-${baseSequence + i}`),
    })),
  });
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10_000,
    topicData: [
      {
        name: topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: [{ index: 0, records }],
      },
    ],
  };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function partitionAnswer(response: ProduceResponse) {
  const answer = response.responses[0]?.partitionResponses[0];
  if (!answer) throw new Error('no partition in the response');
  return answer;
}

/** COORDINATOR_LOAD_IN_PROGRESS and COORDINATOR_NOT_AVAILABLE: a broker just started is still loading its
 * transaction-state partitions; the producer retries them, so does this raw-transport test (bounded). */
const COORDINATOR_STARTING = new Set([14, 15]);

async function initProducer(transport: KafkajsTransport): Promise<Identity> {
  const request = {
    transactionalId: null,
    transactionTimeoutMs: 2_147_483_647,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  };
  let response = await transport.initProducerId(request);
  for (let attempt = 0; attempt < 100 && COORDINATOR_STARTING.has(response.errorCode); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    response = await transport.initProducerId(request);
  }
  expect(response.errorCode).toBe(0);
  expect(response.producerId).toBeGreaterThanOrEqual(0n);
  return { producerId: response.producerId, epoch: response.producerEpoch };
}

/** Sends BATCHES batches with at most IN_FLIGHT outstanding, in sequence order; returns each batch's base offset. */
async function pipeline(
  transport: KafkajsTransport,
  leader: number,
  topic: string,
  identity: Identity,
  tag: string,
) {
  const offsets: bigint[] = [];
  const outstanding = new Set<Promise<void>>();
  let maxOutstanding = 0;
  for (let b = 0; b < BATCHES; b++) {
    const call = transport
      .produce(leader, produceRequest(topic, identity, b * RECORDS_PER_BATCH, tag))
      .then((r) => {
        const answer = partitionAnswer(r);
        expect(answer.errorCode, `batch ${b}`).toBe(0);
        offsets[b] = answer.baseOffset;
      });
    const tracked: Promise<void> = call.finally(() => outstanding.delete(tracked));
    outstanding.add(tracked);
    maxOutstanding = Math.max(maxOutstanding, outstanding.size);
    if (outstanding.size >= IN_FLIGHT) await Promise.race(outstanding);
  }
  await Promise.all(outstanding);
  return { offsets, maxOutstanding };
}

async function leaderOf(transport: KafkajsTransport, topic: string): Promise<number> {
  const metadata = await transport.metadata([topic]);
  const partition = metadata.topics
    .find((t) => t.name === topic)
    ?.partitions.find((p) => p.partitionIndex === 0);
  expect(partition?.errorCode).toBe(0);
  return partition?.leaderId ?? -1;
}

describeKafka('kafkajs Transport on a real broker', () => {
  let admin: Admin;

  beforeAll(async () => {
    admin = kafkaOf(requireBootstrap()).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  async function topicWithOnePartition(): Promise<string> {
    const topic = uniqueTopic('idem-kafkajs');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    return topic;
  }

  async function logEnd(topic: string): Promise<number> {
    const [offsets] = await admin.fetchTopicOffsets(topic);
    return Number(offsets?.high);
  }

  /** The whole idempotent flow on one transport. */
  async function idempotentFlow(kafka: Kafka, options: KafkajsTransportOptions = {}) {
    const topic = await topicWithOnePartition();
    const transport = createKafkajsTransport(kafka, options);
    try {
      const identity = await initProducer(transport);
      const leader = await leaderOf(transport, topic);
      const { offsets, maxOutstanding } = await pipeline(transport, leader, topic, identity, 'v');
      expect(maxOutstanding).toBe(IN_FLIGHT);
      expect(offsets).toEqual(Array.from({ length: BATCHES }, (_, b) => BigInt(b * RECORDS_PER_BATCH)));

      // A retry of the last batch (same producer id, epoch and sequence) is deduplicated: same offset, no append.
      const lastSequence = (BATCHES - 1) * RECORDS_PER_BATCH;
      const retry = partitionAnswer(
        await transport.produce(leader, produceRequest(topic, identity, lastSequence, 'v')),
      );
      expect(retry.errorCode).toBe(0);
      expect(retry.baseOffset).toBe(offsets[BATCHES - 1]);
      expect(await logEnd(topic)).toBe(BATCHES * RECORDS_PER_BATCH);
    } finally {
      await transport.close();
    }
  }

  it('InitProducerId, then 40 idempotent batches 5 in flight: contiguous offsets; a retried batch is deduplicated', async () => {
    await idempotentFlow(kafkaOf(requireBootstrap()));
  });

  it('300 batches issued in one burst, while the connection is being re-established, leave in call order', async () => {
    const topic = await topicWithOnePartition();
    const transport = createKafkajsTransport(kafkaOf(requireBootstrap()));
    try {
      const identity = await initProducer(transport);
      const leader = await leaderOf(transport, topic);
      const burst = 300;
      // Reconnecting (and authenticating) is where kafkajs's own awaits could let a later request overtake.
      transport.disconnect(leader);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const answers = await Promise.all(
        Array.from({ length: burst }, (_, b) =>
          transport
            .produce(leader, produceRequest(topic, identity, b * RECORDS_PER_BATCH, 'burst'))
            .then(partitionAnswer),
        ),
      );
      expect(answers.map((a) => a.errorCode)).toEqual(Array.from({ length: burst }, () => 0));
      expect(answers.map((a) => a.baseOffset)).toEqual(
        Array.from({ length: burst }, (_, b) => BigInt(b * RECORDS_PER_BATCH)),
      );
    } finally {
      await transport.close();
    }
  });

  it('the same over SASL/PLAIN: credentials flow through kafkajs connections', async (ctx) => {
    const { saslBootstrap } = kafkaTarget();
    if (!saslBootstrap) {
      ctx.skip('no SASL listener (external KAFKA_BOOTSTRAP without KAFKA_SASL_BOOTSTRAP)');
      return;
    }
    await idempotentFlow(kafkaOf(saslBootstrap, { sasl: { ...SASL_PLAIN_CREDENTIALS } }));
    // And wrong credentials fail before anything is sent, on every call, as a connection error no retry can fix.
    const bad = createKafkajsTransport(
      kafkaOf(saslBootstrap, {
        sasl: { mechanism: 'plain', username: 'idem', password: 'wrong' },
        retry: { retries: 0 },
      }),
    );
    const refused = (error: unknown) => isNotSent(error) && fatalConnectionCause(error) === 'authentication';
    try {
      await expect(bad.metadata([])).rejects.toSatisfy(refused);
      await expect(
        bad.initProducerId({
          transactionalId: null,
          transactionTimeoutMs: -1,
          producerId: -1n,
          producerEpoch: -1,
          enable2Pc: false,
          keepPreparedTxn: false,
        }),
      ).rejects.toSatisfy(refused);
      await expect(
        bad.produce(1, { transactionalId: null, acks: -1, timeoutMs: 1_000, topicData: [] }),
      ).rejects.toSatisfy(refused);
    } finally {
      await bad.close();
    }
  });

  it('the same with flexible versions (Produce v12 through kafkajs header v1 frames)', async () => {
    const proxy = await startFaultProxy({ upstream: requireBootstrap(), maxLifetimeMs: 60_000 });
    try {
      // A zero-delay standing rule makes the proxy log the version of every Produce request it sees.
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 0, count: Number.POSITIVE_INFINITY });
      await idempotentFlow(kafkaOf(proxy.bootstrap), { flexibleVersions: true });
      const versions = new Set(proxy.events.filter((e) => e.kind === 'delay').map((e) => e.apiVersion));
      expect(versions).toEqual(new Set([12]));
    } finally {
      await proxy.close();
    }
  });

  it('through the fault proxy: a lost ack is an unknown outcome, and resending the batch is deduplicated', async () => {
    const topic = await topicWithOnePartition();
    const proxy = await startFaultProxy({ upstream: requireBootstrap(), maxLifetimeMs: 60_000 });
    const transport = createKafkajsTransport(kafkaOf(proxy.bootstrap));
    try {
      const identity = await initProducer(transport);
      const leader = await leaderOf(transport, topic);
      const first = partitionAnswer(await transport.produce(leader, produceRequest(topic, identity, 0, 'a')));
      expect(first.baseOffset).toBe(0n);

      proxy.addFault({ kind: 'ackLost', apiKeys: [PRODUCE] });
      const lost = transport.produce(leader, produceRequest(topic, identity, RECORDS_PER_BATCH, 'a'));
      await expect(lost).rejects.toSatisfy((e: unknown) => !isNotSent(e));
      expect(proxy.count('ackLost')).toBe(1);
      expect(await logEnd(topic)).toBe(2 * RECORDS_PER_BATCH); // it was appended

      // kafkajs reconnects; the resent batch is recognised as a duplicate.
      const resent = partitionAnswer(
        await transport.produce(leader, produceRequest(topic, identity, RECORDS_PER_BATCH, 'a')),
      );
      expect(resent.errorCode).toBe(0);
      expect(resent.baseOffset).toBe(BigInt(RECORDS_PER_BATCH));
      expect(await logEnd(topic)).toBe(2 * RECORDS_PER_BATCH);
      expect(proxy.requestsForwarded({ nodeId: leader, apiKey: PRODUCE })).toBe(3);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('disconnect(node) rejects requests in flight at once (outcome unknown); the next request reconnects', async () => {
    const topic = await topicWithOnePartition();
    const proxy = await startFaultProxy({ upstream: requireBootstrap(), maxLifetimeMs: 60_000 });
    const transport = createKafkajsTransport(kafkaOf(proxy.bootstrap));
    try {
      const identity = await initProducer(transport);
      const leader = await leaderOf(transport, topic);
      proxy.addFault({ kind: 'delay', apiKeys: [PRODUCE], delayMs: 5_000, count: 3 });
      const started = performance.now();
      const inFlight = [0, 1, 2].map((b) =>
        transport.produce(leader, produceRequest(topic, identity, b * RECORDS_PER_BATCH, 'd')),
      );
      // The proxy logs a delay when the broker's response arrives: then all three are appended and held back.
      await until(() => proxy.count('delay') === 3, 3_000, 'three responses held by the proxy');
      transport.disconnect(leader);
      const settled = await Promise.allSettled(inFlight);
      expect(performance.now() - started).toBeLessThan(4_000);
      for (const s of settled) expect(s.status === 'rejected' && !isNotSent(s.reason)).toBe(true);

      // The broker did append them; resending all three is deduplicated batch by batch.
      for (let b = 0; b < 3; b++) {
        const answer = partitionAnswer(
          await transport.produce(leader, produceRequest(topic, identity, b * RECORDS_PER_BATCH, 'd')),
        );
        expect(answer.errorCode).toBe(0);
        expect(answer.baseOffset).toBe(BigInt(b * RECORDS_PER_BATCH));
      }
      expect(await logEnd(topic)).toBe(3 * RECORDS_PER_BATCH);
    } finally {
      await transport.close();
      await proxy.close();
    }
  });

  it('a broker that cannot be reached fails requests as not sent', async () => {
    const transport = createKafkajsTransport(kafkaOf('127.0.0.1:1', { retry: { retries: 0 } }));
    try {
      await expect(transport.metadata([])).rejects.toSatisfy(isNotSent);
      await expect(
        transport.produce(1, produceRequest('t', { producerId: 1n, epoch: 0 }, 0, 'x')),
      ).rejects.toSatisfy(isNotSent);
    } finally {
      await transport.close();
    }
  });
});
