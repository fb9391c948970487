import { describe, expect, it } from 'vitest';
import {
  awaitNewLeader,
  describeClusterTimings,
  describeFaultSteps,
  type FaultStep,
} from '../src/chaos/fault-steps.js';
import type { ChaosRow } from '../src/chaos/matrix.js';
import { renderReport } from '../src/report/html.js';

const KILL: readonly FaultStep[] = [
  { step: 'killed', node: 2, ms: 130 },
  { step: 'new-leader-visible', node: 3, ms: 9_420 },
  { step: 'restarted', node: 2, ms: 14_250 },
];

describe('the fault steps of a cluster cell', () => {
  it('told in the order they happened, with their durations', () => {
    expect(describeFaultSteps(KILL)).toBe(
      'node 2 killed (kill -9) in 0.1 s; node 3 seen leading 9.4 s after the fault began; node 2 restarted, answering after 14.3 s',
    );
    expect(describeFaultSteps([{ step: 'leader-moved', node: 1, ms: 6_000 }])).toBe(
      'leadership moved to node 1 in 6.0 s; no other leader seen in the metadata',
    );
  });

  it("the cluster's start and stop, or why there is none", () => {
    expect(describeClusterTimings({ origin: 'started', startMs: 42_000, stopMs: 3_210 })).toBe(
      'cluster started in 42.0 s, stopped in 3.2 s',
    );
    expect(describeClusterTimings({ origin: 'reused', startMs: null, stopMs: null })).toBe(
      'cluster reused (already running in its run dir), left running',
    );
    expect(describeClusterTimings({ origin: 'given', startMs: null, stopMs: null })).toMatch(
      /^cluster given/,
    );
  });

  it('a new leader is one other than the old, a failed question is asked again, and the watch gives up', async () => {
    const answers: (number | Error)[] = [2, new Error('dead node'), 2, 3];
    const leaderOf = async () => {
      const next = answers.shift() ?? 3;
      if (next instanceof Error) throw next;
      return next;
    };
    const since = performance.now();
    const seen = await awaitNewLeader(leaderOf, 2, since, 5_000, 1);
    expect(seen?.node).toBe(3);
    expect(answers).toEqual([]);
    expect(await awaitNewLeader(async () => 2, 2, performance.now(), 30, 1)).toBeNull();
  });
});

describe('the report of a cluster run', () => {
  it('names the cluster with its start and stop, and puts the fault steps in the cell tooltip', () => {
    const row: ChaosRow = {
      suite: 'chaos',
      broker: 'cluster',
      client: 'idem-kafkajs',
      scenario: 'leader-killed',
      records: 40,
      acked: 40,
      duplicates: 0,
      losses: 0,
      reorders: 0,
      errors: 0,
      falseFailures: 0,
      unsettled: 0,
      ms: 30_000,
      reasons: [],
      faultSteps: KILL,
      cluster: { origin: 'started', startMs: 42_000, stopMs: 3_210 },
    };
    const html = renderReport({
      generatedAt: 'now',
      version: 'test',
      story: [],
      chaos: [row],
      scenarios: {},
      core: [],
      comparisons: [],
    });
    expect(html).toContain(
      'Fault matrix (3-node cluster, through the fault proxy; cluster started in 42.0 s, stopped in 3.2 s)',
    );
    expect(html).toContain(`title="every record once, in order\nfault: ${describeFaultSteps(KILL)}"`);
  });
});
