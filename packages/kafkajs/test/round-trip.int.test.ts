// The core on the real broker without faults, at volume: 100,000 records over 6 partitions, 5 requests in flight per
// partition (the default), 16 concurrent send() calls. The topic is read back straight from the broker and the
// testkit's checker asserts every record exactly once and in send order per partition.
import { describeKafka, requireBootstrap } from '@idem/kafka-tooling';
import { expect, it } from 'vitest';
import { runScenario } from './support/chaos/run-scenario.js';

const SEED = Number(process.env.IDEM_SEED ?? 7);

describeKafka('idem-kafkajs round trip on the real broker', () => {
  it('produces 100,000 records across 6 partitions and reads each back once, in order', async () => {
    const result = await runScenario(
      'idem-kafkajs',
      { name: 'none', description: 'no faults', install: () => {} },
      {
        bootstrap: requireBootstrap(),
        seed: SEED,
        records: 100_000,
        partitions: 6,
        messagesPerSend: 100,
        concurrency: 16,
        deadlineMs: 60_000,
      },
    );
    const v = result.verdict;
    process.stderr.write(
      `[round-trip] ${v.records} sent, ${v.acked} acked in ${Math.round(result.elapsedMs)} ms\n`,
    );
    expect(v.violations, `seed ${SEED}`).toEqual([]);
    expect([v.records, v.acked, v.failed, v.duplicates, v.losses, v.reorders]).toEqual([
      100_000, 100_000, 0, 0, 0, 0,
    ]);
  }, 120_000);
});
