import { describe, expect, it } from 'vitest';
import { isIdemError } from '../../src/index.js';
import { value } from '../support/harness.js';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness.js';

// Issue 9, found by the wide fault model (`pnpm sim --seeds 200000 --from 10001 --wide`: seeds 23307, 24918, 29157,
// 31851, 53599): a topic deleted and recreated while none of our Produce requests reached it, so no answer of
// UNKNOWN_TOPIC_OR_PARTITION warned the producer. The new log takes our next batch whatever its sequence
// (2.5-4.4), and that acknowledgement "proved" a batch that sat in the deleted log, acked at offset -1; or it
// refuses it OUT_OF_ORDER (4.5+), which "proved" that batch never written. The producer now watches the topic id
// in metadata, and addresses Produce v13 by it (docs/design.md §"The unknown-fate rule").

const TOPIC_AUTHORIZATION_FAILED = 29;

function harness(produceVersion: number): MemoryHarness {
  return createMemoryHarness(
    { brokers: 2, topics: { t: { partitions: 1 } }, autoCreateTopics: false },
    { lingerMs: 0, batchSize: 100, requestTimeoutMs: 1000, retryBackoffMs: 10, retryBackoffMaxMs: 50 },
    1,
    { versions: { Produce: produceVersion } },
  );
}

/** An honest outcome for a record written to the deleted log: acked where the new log holds it, or "possibly". */
async function expectHonest(
  h: MemoryHarness,
  outcome: Promise<PromiseSettledResult<{ offset: bigint }>>,
  record: string,
): Promise<void> {
  const settled = await outcome;
  if (settled.status === 'rejected') {
    expect(isIdemError(settled.reason)).toBe(true);
    expect(settled.reason).toMatchObject({ possiblyPersisted: true });
    return;
  }
  expect(settled.value.offset).toBeGreaterThanOrEqual(0n);
  expect(h.values('t', 0)[Number(settled.value.offset)]).toBe(record);
}

describe.each([
  ['2.5-4.4', 11],
  ['4.5+', 11],
  ['2.5-4.4', 13],
  ['4.5+', 13],
] as const)('a topic recreated while its leader was down (broker %s, Produce v%d)', (profile, version) => {
  it('a batch held from the deleted log is never acked at -1 nor reported not written', async () => {
    const h = harness(version);
    h.cluster.setProfile(profile);
    value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
    // A is appended and its answer lost; its first resend is refused before the duplicate check.
    h.cluster.faults.refuseRetry({ api: 'Produce', topic: 't' }, TOPIC_AUTHORIZATION_FAILED, { count: 1 });
    const outcomeA = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'A' }));
    await h.runUntil(() => h.sent().length >= 2);
    // The leader dies; meanwhile the topic is deleted and recreated. Only metadata can tell the producer.
    const [old] = h.cluster.topicGenerations('t');
    h.cluster.stopBroker(h.cluster.leaderOf('t', 0), {
      downMs: 1000,
      failoverAfterMs: Number.POSITIVE_INFINITY,
    });
    h.cluster.deleteTopic('t');
    h.cluster.createTopic('t', { partitions: 1 });
    const outcomeB = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'B' }));

    const b = value(await outcomeB);
    expect(h.cluster.readGenerationLog(old!.topicId, 0).batches.length).toBe(2); // A is in the deleted log
    expect(h.values('t', 0)[Number(b.offset)]).toBe('B');
    await expectHonest(h, outcomeA, 'A');
  });
});
