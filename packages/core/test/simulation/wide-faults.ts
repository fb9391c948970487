/**
 * The wider fault model of issue 9 (docs/design.md, "The fault model"): on top of the classic per-request faults,
 * retries of possibly-written batches refused with errors Kafka raises before its duplicate check, topics deleted
 * (and recreated) mid-flight, partitions added, max.message.bytes lowered and Write ACLs removed for a while,
 * brokers dying for 10 s to 10 min while the controller moves their leaderships, brokers silent for 0.5 to 40 s (they
 * take requests and answer none), stale metadata, and clients whose credentials are refused. Everything is drawn
 * from its own generator derived from the seed, so the classic schedule of a seed is the same with or without it.
 */
import type { ClusterFaultOptions, FaultProbabilities } from '@idem/memory-broker';
import { Prng } from '@idem/testkit';

export interface WideFaultPlan {
  readonly probabilities: Pick<FaultProbabilities, 'retryRefused'>;
  readonly cluster: ClusterFaultOptions;
  /** Producers (by index) whose credentials are wrong: every connection they open is refused. */
  readonly badCredentials: ReadonlySet<number>;
  readonly config: Readonly<Record<string, unknown>>;
}

export function wideFaultPlan(
  seed: number,
  intensity: number,
  nodes: number,
  producers: number,
): WideFaultPlan {
  const rng = new Prng((seed ^ 0x5bd1e995) >>> 0);
  const faults = rng.fork();
  // Without faults a seed stays fault-free; otherwise the cluster-level kinds scale with the intensity.
  const scale = intensity === 0 ? 0 : rng.pick([0.5, 1, 2]) * (intensity / 0.06);
  const budget = rng.int(1, 6);
  const badCredentials = new Set<number>();
  for (let p = 0; p < producers; p++) if (rng.chance(0.08)) badCredentials.add(p);
  const cluster: ClusterFaultOptions = {
    random: () => faults.next(),
    budget,
    topicDelete: 0.003 * scale,
    recreateShare: 0.6,
    recreateAfterMs: [100, 20_000],
    partitionsAdded: 0.003 * scale,
    maxAddedPartitions: 2,
    configShrink: 0.005 * scale,
    shrunkMaxMessageBytes: [80, 300],
    configWindowMs: [50, 10_000],
    writeDenied: 0.002 * scale,
    aclWindowMs: [50, 5_000],
    brokerStop: (nodes > 1 ? 0.003 : 0.001) * scale,
    downMs: [10_000, 600_000],
    stayDownShare: 0.2,
    failoverAfterMs: [6_000, 18_000],
    staleMetadata: 0.02 * scale,
    staleMs: [1_000, 30_000],
    authRefused: 0.002 * scale,
    authWindowMs: [100, 5_000],
  };
  const retryRefused = intensity === 0 ? 0 : rng.pick([0.25, 0.5, 1]);
  // Drawn after every older kind, from a source of its own: each seed keeps the schedule it had before.
  const silence = rng.fork();
  const silent: ClusterFaultOptions = {
    ...cluster,
    brokerSilent: nodes > 1 ? 0.002 * scale : 0,
    silentMs: [500, 40_000],
    silenceRandom: () => silence.next(),
    silenceBudget: 2,
  };
  return {
    probabilities: { retryRefused },
    cluster: silent,
    badCredentials,
    config: { wide: true, wideScale: scale, wideBudget: budget, badCredentials: [...badCredentials] },
  };
}
