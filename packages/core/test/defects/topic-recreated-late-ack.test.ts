import { encodeRecordBatch } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { isIdemError } from '../../src/index.js';
import { value } from '../support/harness.js';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness.js';

// Issue 9, found by the wide fault model (`pnpm sim --seed 899213 --wide`): a request sent before the topic was
// deleted and recreated is appended to the old log, and its answer comes late, after the producer has seen the new
// topic id. That acknowledgement said "the broker holds our state here again" and cleared the doubt, so the first
// acknowledgement in the new log (which took our batch whatever its sequence) "proved" an earlier batch that was
// never written: acked at offset -1, in no log. An acknowledgement now clears the doubt only for a request sent
// after the doubt arose (docs/design.md §"The unknown-fate rule").

function harness(): MemoryHarness {
  return createMemoryHarness(
    { brokers: 2, topics: { t: { partitions: 2 } }, autoCreateTopics: false },
    {
      lingerMs: 0,
      batchSize: 100,
      requestTimeoutMs: 2000,
      retryBackoffMs: 10,
      retryBackoffMaxMs: 50,
      metadataMaxAgeMs: 100,
    },
    1,
    { versions: { Produce: 13 } },
  );
}

/** Three records from someone else, so the new log's offsets pass ours in the old one. */
async function fillNewLog(h: MemoryHarness): Promise<void> {
  const other = h.cluster.connect();
  const records = ['x', 'y', 'z'].map((v, i) => ({
    key: null,
    value: Buffer.from(v),
    timestamp: 1_700_000_000_000 + i,
  }));
  const batch = encodeRecordBatch({
    records,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    compression: 'none',
  });
  const response = await other.produce(h.cluster.leaderOf('t', 0), {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: 't',
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: [{ index: 0, records: batch }],
      },
    ],
  });
  expect(response.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
}


describe('a topic recreated while an answer from its old log is on its way', () => {
  it('that late acknowledgement does not let the new log prove a batch that was never written', async () => {
    const h = harness();
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    // A is appended to the old log; its answer arrives only after the producer has learnt the new topic id.
    h.cluster.faults.delayResponses({ api: 'Produce', topic: 't' }, { count: 1, ms: 600 });
    const outcomeA = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'A' }));
    const [old] = h.cluster.topicGenerations('t');
    h.scheduler.clock.setTimeout(() => {
      h.cluster.deleteTopic('t');
      h.cluster.createTopic('t', { partitions: 2, leaders: [1, 2], config: { maxMessageBytes: 150 } });
    }, 50);
    // A send to the other partition, led by the other broker, is refused UNKNOWN_TOPIC_ID; the metadata asked for
    // then names the new topic id, so the producer knows the topic was recreated before A's answer comes.
    let other: Promise<unknown> | undefined;
    h.scheduler.clock.setTimeout(() => {
      other = h.settle(h.producer.send({ topic: 't', partition: 1, value: 'o' }));
    }, 100);
    const a = value(await outcomeA);
    value((await other) as PromiseSettledResult<{ offset: bigint }>);
    await fillNewLog(h);
    expect(h.cluster.readGenerationLog(old!.topicId, 0).batches.length).toBe(2); // w and A, in the deleted log
    expect(a.offset).toBe(1n);

    // D is too large for the new topic, so the new log refuses it; E, behind it in the same pipeline, is taken by
    // the new log, which holds no state for us and so accepts any sequence. Both answers are held until the
    // requests time out, so for all the producer knows D may be written. D's resend is refused the same way, which
    // says nothing of the first attempt: D is held. E's resend is answered with its offset.
    h.cluster.faults.holdResponses({ api: 'Produce', topic: 't' }, { count: 2 });
    const outcomeD = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'D'.repeat(200) }));
    const outcomeE = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'E' }));
    const e = value(await outcomeE);
    expect(h.values('t', 0)).toEqual(['x', 'y', 'z', 'E']);
    expect(e.offset).toBe(3n);
    // D is in no log: it must not be reported written; "possibly persisted" is the honest answer.
    const d = await outcomeD;
    expect(d.status).toBe('rejected');
    if (d.status === 'rejected') {
      expect(isIdemError(d.reason)).toBe(true);
      expect(d.reason).toMatchObject({ possiblyPersisted: true });
    }
  });
});
