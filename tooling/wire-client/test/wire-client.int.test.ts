import { encodeRecordBatch, isRetriable, KafkaErrorCode } from '@idem/codec';
import { describeKafka, kafkaTarget, uniqueTopic } from '@idem/kafka-tooling';
import { afterAll, expect, it } from 'vitest';
import { WireTransport } from '../src/index.js';

describeKafka('wire client against the real broker', () => {
  const transport = new WireTransport({ bootstrap: kafkaTarget().bootstrap ?? '', requestTimeoutMs: 30_000 });
  afterAll(() => transport.close());

  it('gets a producer id, appends a pipelined idempotent run and dedupes a retry', async () => {
    const topic = uniqueTopic('wire');
    let leader = -1;
    for (let attempt = 0; attempt < 50 && leader < 0; attempt++) {
      const md = await transport.metadata([topic]);
      const p0 = md.topics[0]?.partitions.find((p) => p.partitionIndex === 0);
      if (p0 !== undefined && p0.errorCode === 0) leader = p0.leaderId;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(leader).toBeGreaterThanOrEqual(0);
    // A fresh broker may answer COORDINATOR_LOAD_IN_PROGRESS (retriable) until its first PID block is ready.
    let init = await transport.initProducerId({
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1n,
      producerEpoch: -1,
    });
    for (let attempt = 0; attempt < 50 && init.errorCode !== 0 && isRetriable(init.errorCode); attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      init = await transport.initProducerId({
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1n,
        producerEpoch: -1,
      });
    }
    expect(init.errorCode).toBe(0);
    const batch = (baseSequence: number) =>
      encodeRecordBatch({
        producerId: init.producerId,
        producerEpoch: init.producerEpoch,
        baseSequence,
        records: [0, 1].map((i) => ({
          value: Buffer.from(`v${baseSequence + i}`),
          timestamp: 1_700_000_000_000,
        })),
      });
    const produce = (baseSequence: number) =>
      transport.produce(leader, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: batch(baseSequence) }] }],
      });
    const results = await Promise.all([0, 2, 4, 6, 8].map(produce));
    const offsets = results.map((r) => r.responses[0]!.partitionResponses[0]!);
    expect(offsets.map((p) => p.errorCode)).toEqual([0, 0, 0, 0, 0]);
    expect(offsets.map((p) => p.baseOffset)).toEqual([0n, 2n, 4n, 6n, 8n]);
    const retry = (await produce(6)).responses[0]!.partitionResponses[0]!;
    expect(retry.errorCode).toBe(0);
    expect(retry.baseOffset).toBe(6n);
    const gap = (await produce(20)).responses[0]!.partitionResponses[0]!;
    expect(gap.errorCode).toBe(KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });
});
