// The six failover scenarios of issue 10, each over real nodes of the 3-node cluster. The victim is always the
// node leading the most partitions of the run's topic at the time.
import { busiestLeader, type FailoverScenario, type FaultContext, ledBy } from './fault-script.js';

/** kill -9 the busiest leader, wait `outageMs`, restart it; resolves once it answers again. */
async function killAndRestart(context: FaultContext, outageMs: number, kind: string): Promise<void> {
  const victim = busiestLeader(context.watch.current());
  const event = context.fault(kind, victim);
  await context.cluster.kill(victim);
  await context.sleep(outageMs);
  await context.cluster.restart(victim);
  event.backAt = performance.now();
}

export const FAILOVER_SCENARIOS: readonly FailoverScenario[] = [
  {
    name: 'killRestartBeforeSessionTimeout',
    description:
      'leader kill -9, restarted at once: back (JVM start ~8 s) before broker.session.timeout.ms (9 s) fences it',
    plannedMs: () => 12_000,
    run: (context) => killAndRestart(context, 0, 'kill'),
  },
  {
    name: 'killFor60s',
    description: 'leader kill -9, down for the long outage (60 s; CI 10 s), then restarted',
    plannedMs: (s) => s.longOutageMs + 10_000,
    run: (context) => killAndRestart(context, context.settings.longOutageMs, 'kill'),
  },
  {
    name: 'killNeverRestarted',
    description: 'leader kill -9, never restarted during the run (2 of 3 replicas left, min ISR 2)',
    plannedMs: (s) => s.deadRunMs,
    async run(context) {
      const victim = busiestLeader(context.watch.current());
      context.fault('kill', victim);
      await context.cluster.kill(victim);
      await context.sleep(context.settings.deadRunMs);
    },
  },
  {
    name: 'controlledShutdown',
    description:
      'leader SIGTERM: controlled shutdown hands leadership off first; not restarted during the run',
    plannedMs: (s) => s.deadRunMs,
    async run(context) {
      const victim = busiestLeader(context.watch.current());
      context.fault('sigterm', victim);
      await context.cluster.shutdown(victim);
      await context.sleep(context.settings.deadRunMs);
    },
  },
  {
    name: 'leadershipMoved',
    description:
      'every partition of the busiest leader moved to another replica (reassignment + ElectLeaders)',
    plannedMs: () => 10_000,
    async run(context) {
      const sample = context.watch.current();
      const victim = busiestLeader(sample);
      const others = context.cluster.nodeIds.filter((id) => id !== victim);
      const moves = new Map(ledBy(sample, victim).map((p, i) => [p, others[i % others.length] as number]));
      context.fault('move', victim);
      await context.cluster.moveLeadership(context.topic, moves);
      await context.sleep(5_000);
    },
  },
  {
    name: 'twoKills',
    description:
      'the busiest leader kill -9 and restarted, then the next busiest leader kill -9 and restarted',
    plannedMs: (s) => 2 * (s.shortOutageMs + 12_000),
    async run(context) {
      await killAndRestart(context, context.settings.shortOutageMs, 'kill');
      // The restarted node must be back in sync, or the second kill would leave a partition below min ISR.
      await context.watch.untilIsrFull(30_000);
      await killAndRestart(context, context.settings.shortOutageMs, 'kill');
    },
  },
];
