import { describe, expect, it } from 'vitest';
import { BrokerRejectedError } from '../../src/index.js';
import { reason, value } from '../support/harness.js';
import { createMemoryHarness, type MemoryHarness } from '../support/memory-harness.js';

// Issue 9, found by the wide fault model (`pnpm sim --wide`, seeds 494, 590, 1214, 2595): a topic deleted and
// recreated takes any first sequence from us (the new log holds no state for our producer id), so an
// acknowledgement there proves nothing about a batch held before, and an OUT_OF_ORDER there says nothing about the
// deleted log (docs/design.md §"The unknown-fate rule").

const TOPIC_AUTHORIZATION_FAILED = 29;

function harness(): MemoryHarness {
  return createMemoryHarness(
    { brokers: 1, topics: { t: { partitions: 1 } }, autoCreateTopics: false },
    { lingerMs: 0, batchSize: 100, requestTimeoutMs: 1000, retryBackoffMs: 10, retryBackoffMaxMs: 50 },
  );
}

async function runFor(h: MemoryHarness, ms: number): Promise<void> {
  const until = h.scheduler.clock.now() + ms;
  await h.runUntil(() => h.scheduler.clock.now() >= until);
}

describe.each(['2.5-4.4', '4.5+'] as const)(
  'a topic deleted and recreated under a held batch (broker %s)',
  (profile) => {
    it('neither an acknowledgement nor an OUT_OF_ORDER in the new log settles the batch held from the old one', async () => {
      const h = harness();
      h.cluster.setProfile(profile);
      value(await h.settle(h.producer.send({ topic: 't', partition: 0, value: 'w' })));
      // A is appended but its answer lost; its first resend will be refused before the duplicate check
      // (TOPIC_AUTHORIZATION_FAILED), so the producer never learns A is in the (old) log.
      h.cluster.faults.refuseRetry({ api: 'Produce', topic: 't' }, TOPIC_AUTHORIZATION_FAILED, { count: 1 });
      const outcomeA = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'A' }));
      await h.runUntil(() => h.sent().length >= 2);
      // The topic is deleted with A in it; B is sent meanwhile, and both are answered UNKNOWN_TOPIC_OR_PARTITION.
      h.cluster.deleteTopic('t');
      const outcomeB = h.settle(h.producer.send({ topic: 't', partition: 0, value: 'B' }));
      await runFor(h, 300);
      // Recreated empty: A's resend is refused (A is held), B lands in the new log — accepted whatever its
      // sequence (2.5-4.4), or refused OUT_OF_ORDER and renumbered (4.5+, a log never written).
      h.cluster.createTopic('t', { partitions: 1 });
      const b = value(await outcomeB);
      expect(h.values('t', 0)).toEqual(['B']);
      expect(b.offset).toBe(0n);
      // A was in the deleted log, which readers may have consumed: neither "written here" nor "not written".
      const failed = reason(await outcomeA);
      expect(failed).toBeInstanceOf(BrokerRejectedError);
      expect(failed).toMatchObject({ kafkaCode: TOPIC_AUTHORIZATION_FAILED, possiblyPersisted: true });
    });
  },
);
