/**
 * The random schedule's cluster-level faults: changes an operator or a failure makes to the whole cluster while
 * producers run (topics deleted and recreated, partitions added, a topic's max.message.bytes lowered or its Write
 * ACL removed for a while, a broker dying for a long time while the controller moves its leaderships, a broker
 * answering Metadata from an older view, a client's credentials refused). They roll on requests like the other
 * kinds, from their own seeded source, so enabling them does not shift the draws of the per-request kinds, and a
 * budget bounds how many happen in one run.
 */
import { type ClusterControl, sampleMs } from './control.js';
import type { AuthRefusals } from './auth-refusals.js';
import type { RequestFacts, TopicPartitionRef } from './match.js';
import type { RequestPlan } from './plan.js';

/** A fixed number of milliseconds (or bytes), or a `[min, max]` range the seeded source draws from. */
export type ValueRange = number | readonly [number, number];

/**
 * The cluster-level faults of a random schedule (RandomScheduleOptions.cluster). Each kind (topicDelete,
 * brokerStop, ...) is a probability in [0, 1] per request the schedule applies to, absent meaning never; the
 * other fields tune it, times in clock ms.
 */
export interface ClusterFaultOptions {
  /** Seeded source for these dice (keep it apart from the per-request kinds' source). */
  readonly random: () => number;
  /** At most this many cluster-level faults per schedule; default 8. */
  readonly budget?: number;
  /** Produce: delete the request's topic first (the request then finds it gone). */
  readonly topicDelete?: number;
  /** Of deleted topics, the share created again (same name and partitions, a new id) after `recreateAfterMs`. */
  readonly recreateShare?: number;
  readonly recreateAfterMs?: ValueRange;
  /** Produce: add 1 to `maxAddedPartitions` partitions to the request's topic. */
  readonly partitionsAdded?: number;
  readonly maxAddedPartitions?: number;
  /** Produce: lower the topic's max.message.bytes to `shrunkMaxMessageBytes` for `configWindowMs`, then restore it. */
  readonly configShrink?: number;
  readonly shrunkMaxMessageBytes?: ValueRange;
  readonly configWindowMs?: ValueRange;
  /** Produce: remove the producers' Write ACL on the topic for `aclWindowMs` (TOPIC_AUTHORIZATION_FAILED). */
  readonly writeDenied?: number;
  readonly aclWindowMs?: ValueRange;
  /** Any API: the broker dies for `downMs` (`Infinity` allowed); the controller fails over after `failoverAfterMs`. */
  readonly brokerStop?: number;
  readonly downMs?: ValueRange;
  /** Of stops, the share after which the broker never comes back. */
  readonly stayDownShare?: number;
  readonly failoverAfterMs?: ValueRange;
  /** Metadata: the broker answers from its current view, frozen, for `staleMs`. */
  readonly staleMetadata?: number;
  readonly staleMs?: ValueRange;
  /** Any API: the requesting client's new connections are refused authentication for `authWindowMs`. */
  readonly authRefused?: number;
  readonly authWindowMs?: ValueRange;
  /**
   * Any API: the broker goes silent for `silentMs` (Faults.silenceBroker). Rolled from `silenceRandom` and bounded
   * by `silenceBudget`, apart from the other kinds, so adding it leaves their draws as they were. Needs
   * `silenceRandom`: without it the kind never rolls.
   */
  readonly brokerSilent?: number;
  /** How long a silence lasts; default [500, 40000]. */
  readonly silentMs?: ValueRange;
  /** Seeded source for brokerSilent's dice and durations, kept apart from `random`. */
  readonly silenceRandom?: () => number;
  /** At most this many silences per schedule; default 2. */
  readonly silenceBudget?: number;
}

export class ClusterFaultSchedule {
  private spent = 0;
  private silences = 0;
  /** Topics whose max.message.bytes is lowered right now (one window at a time per topic). */
  private readonly shrunk = new Set<string>();

  constructor(
    private readonly options: ClusterFaultOptions,
    private readonly control: ClusterControl,
    private readonly auth: AuthRefusals,
    private readonly now: () => number,
    /** Faults.silenceBroker. */
    private readonly silence: (nodeId: number, forMs: number) => void = () => {},
  ) {}

  apply(plan: RequestPlan, facts: RequestFacts, first: TopicPartitionRef | undefined): void {
    const o = this.options;
    if (first !== undefined && this.roll(o.topicDelete)) this.deleteTopic(plan, first.topic);
    if (first !== undefined && this.roll(o.partitionsAdded)) this.addPartitions(plan, first.topic);
    if (first !== undefined && this.roll(o.configShrink)) this.shrinkConfig(plan, first.topic);
    if (first !== undefined && this.roll(o.writeDenied)) this.denyWrite(plan, first.topic);
    if (facts.api === 'Metadata' && this.roll(o.staleMetadata)) {
      plan.randomKinds.push('metadata-stale');
      this.control.staleMetadata(facts.nodeId, this.ms(o.staleMs, [1_000, 30_000]));
    }
    if (facts.clientId !== null && this.roll(o.authRefused)) {
      plan.randomKinds.push('authentication-failed');
      this.auth.add(
        { clientId: facts.clientId },
        { forMs: this.ms(o.authWindowMs, [100, 5_000]) },
        this.now(),
      );
      // Re-authentication (KIP-368) fails on the open connection too: the broker closes it.
      this.control.resetConnections({ nodeId: facts.nodeId, connectionId: facts.connectionId }, 'reauth');
    }
    if (o.brokerSilent !== undefined && o.silenceRandom !== undefined) {
      const draw = o.silenceRandom();
      if (draw < o.brokerSilent && this.silences < (o.silenceBudget ?? 2)) {
        this.silences++;
        plan.randomKinds.push('broker-silent');
        this.silence(facts.nodeId, sampleMs(o.silentMs ?? [500, 40_000], o.silenceRandom));
        // This request is the first one the silent broker does not answer.
        if (plan.loseRequest === null) plan.loseRequest = 'blackhole';
      }
    }
    if (this.roll(o.brokerStop)) {
      plan.randomKinds.push('broker-stopped');
      const forGood = this.random() < (o.stayDownShare ?? 0);
      const downMs = forGood ? Number.POSITIVE_INFINITY : this.ms(o.downMs, [10_000, 600_000]);
      this.control.stopBroker(facts.nodeId, {
        downMs,
        failoverAfterMs: this.ms(o.failoverAfterMs, [6_000, 18_000]),
      });
    }
  }

  private deleteTopic(plan: RequestPlan, topic: string): void {
    const partitions = this.control.partitionCount(topic);
    const config = this.control.topicConfig(topic);
    if (config === undefined || !this.control.deleteTopic(topic)) return;
    plan.randomKinds.push('topic-deleted');
    const recreate = this.random() < (this.options.recreateShare ?? 0.5);
    const afterMs = this.ms(this.options.recreateAfterMs, [100, 20_000]);
    if (!recreate) return;
    this.later(afterMs, () => {
      if (this.control.partitionCount(topic) === 0) this.control.recreateTopic(topic, partitions, config);
    });
  }

  private addPartitions(plan: RequestPlan, topic: string): void {
    const count = this.control.partitionCount(topic);
    if (count === 0) return;
    plan.randomKinds.push('partitions-added');
    const added = 1 + Math.floor(this.random() * (this.options.maxAddedPartitions ?? 2));
    this.control.addPartitions(topic, count + added);
  }

  private shrinkConfig(plan: RequestPlan, topic: string): void {
    const config = this.control.topicConfig(topic);
    if (config === undefined || this.shrunk.has(topic)) return;
    plan.randomKinds.push('topic-config-changed');
    this.shrunk.add(topic);
    const original = config.maxMessageBytes;
    const shrunk = this.ms(this.options.shrunkMaxMessageBytes, [80, 400]);
    this.control.alterTopicConfig(topic, { maxMessageBytes: shrunk });
    this.later(this.ms(this.options.configWindowMs, [50, 10_000]), () => {
      this.shrunk.delete(topic);
      // A topic deleted meanwhile, or recreated with its own config, is left alone.
      const now = this.control.topicConfig(topic);
      if (now !== undefined && now.maxMessageBytes === shrunk)
        this.control.alterTopicConfig(topic, { maxMessageBytes: original });
    });
  }

  private denyWrite(plan: RequestPlan, topic: string): void {
    plan.randomKinds.push('topic-write-denied');
    this.control.setTopicWrite(topic, false);
    this.later(this.ms(this.options.aclWindowMs, [50, 5_000]), () => this.control.setTopicWrite(topic, true));
  }

  /** Rolls only while budget is left; always draws, so the number of draws per request is fixed. */
  private roll(probability: number | undefined): boolean {
    const draw = this.random();
    if (probability === undefined || draw >= probability || this.spent >= (this.options.budget ?? 8))
      return false;
    this.spent++;
    return true;
  }

  private random(): number {
    return this.options.random();
  }

  private ms(range: ValueRange | undefined, fallback: readonly [number, number]): number {
    return sampleMs(range ?? fallback, () => this.random());
  }

  private later(ms: number, fn: () => void): void {
    this.control.later(ms, fn);
  }
}
