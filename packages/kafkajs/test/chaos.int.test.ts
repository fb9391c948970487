// Chaos on the real broker: idem's kafkajs adapter through the fault proxy, one scenario per fault kind and a
// seeded random schedule; 3 partitions, 5 requests in flight, concurrent sends, 50,000 records per scenario. The
// testkit checker reads the verdict off the topic: every acked record exactly once, in order, every failure typed.
import { describeKafka, requireBootstrap } from '@idem/kafka-tooling';
import { afterAll, expect, it } from 'vitest';
import { logShape } from './support/chaos/log-shape.js';
import { type ComparisonRow, recordRows, toRow } from './support/chaos/results-file.js';
import { runScenario } from './support/chaos/run-scenario.js';
import { SCENARIOS } from './support/chaos/scenarios.js';

const SEED = Number(process.env.IDEM_SEED ?? 20_240_601);
const RECORDS = Number(process.env.IDEM_CHAOS_RECORDS ?? 50_000);

describeKafka('chaos: idem-kafkajs through the fault proxy', () => {
  const rows: ComparisonRow[] = [];
  process.stderr.write(`[chaos] seed ${SEED} (IDEM_SEED to replay), ${RECORDS} records per scenario\n`);

  afterAll(async () => {
    if (rows.length > 0) await recordRows(rows);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const result = await runScenario('idem-kafkajs', scenario, {
        bootstrap: requireBootstrap(),
        seed: SEED,
        records: RECORDS,
        partitions: 3,
        messagesPerSend: 50,
        concurrency: 16,
        deadlineMs: 25_000,
      });
      rows.push(toRow(result, SEED));
      const v = result.verdict;
      process.stderr.write(
        `[chaos] ${scenario.name} (seed ${SEED}): ${v.records} sent, ${v.acked} acked, ${v.failed} failed, ` +
          `faults ${JSON.stringify(result.faults)}, ${Math.round(result.elapsedMs)} ms\n`,
      );
      // A scripted scenario's log is short enough to read: print its shape, e.g. [w, A×500, B].
      if (scenario.workload)
        for (const log of result.logs.filter((l) => l.records.length > 0))
          process.stderr.write(`[chaos] ${scenario.name} partition ${log.partition}: ${logShape(log)}\n`);
      expect(v.duplicates, `seed ${SEED}`).toBe(0);
      expect(v.violations, `seed ${SEED}`).toEqual([]);
      expect(v.records).toBeGreaterThanOrEqual(scenario.records ?? RECORDS);
      expect(v.acked + v.failed).toBe(v.records);
      // The scenario really hurt the run.
      expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    },
    90_000,
  );
});
