/**
 * A seeded random fault schedule for simulations: for each request (of the chosen APIs) it rolls,
 * in a fixed order, one die per fault kind. The same seed and the same request order give the
 * same faults.
 */
import { KafkaErrorCode } from '@idem/codec';
import type { AuthRefusals } from './auth-refusals.js';
import { type ClusterFaultOptions, ClusterFaultSchedule } from './cluster-schedule.js';
import { type ClusterControl, type RestartMode, sampleMs } from './control.js';
import type { RequestFacts, ServedApi } from './match.js';
import type { RequestPlan } from './plan.js';
import { PRE_DUPLICATE_CHECK_CODES, type RetryRefusals } from './retry-refusals.js';

/** The chance, in [0, 1], of each per-request fault kind for a request the schedule applies to; absent: never. */
export interface FaultProbabilities {
  /** Reset the connections of the node the request went to, before processing it (requests in flight are lost). */
  readonly reset?: number;
  /** Drop the request before processing. */
  readonly requestLost?: number;
  /** Process, then lose the response ("ack lost"). */
  readonly ackLost?: number;
  /** Of the losses above, the share that goes silent (blackhole) instead of resetting. */
  readonly blackhole?: number;
  /** Answer one of the request's partitions with an error from `errorCodes`, nothing appended. */
  readonly error?: number;
  /** Append, then answer with an error from `errorCodesAfterAppend` (outcome looks failed but data is in). */
  readonly errorAfterAppend?: number;
  /** Delay the response by `delayMs`. */
  readonly delay?: number;
  /** Move the leadership of one of the request's partitions first. */
  readonly leaderMove?: number;
  /** Restart the broker first, in one of `restartModes`. */
  readonly restart?: number;
  /** InitProducerId only: COORDINATOR_LOAD_IN_PROGRESS. */
  readonly producerIdNotReady?: number;
  /**
   * Produce whose response is lost (ackLost): refuse the retry of its batches with one of `retryRefusedCodes`,
   * errors Kafka raises before its duplicate check (faults/retry-refusals.ts). Rolled only when given, so a
   * schedule without it draws as before.
   */
  readonly retryRefused?: number;
}

/** Options of Faults.randomSchedule. */
export interface RandomScheduleOptions {
  /** How likely each per-request fault kind is. */
  readonly probabilities: FaultProbabilities;
  /** Defaults to the cluster's seeded source. */
  readonly random?: () => number;
  /** APIs the schedule applies to; default Produce and InitProducerId. */
  readonly apis?: readonly ServedApi[];
  /** Default NOT_LEADER_OR_FOLLOWER and NOT_ENOUGH_REPLICAS (retriable, nothing appended). */
  readonly errorCodes?: readonly number[];
  /** Default REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS_AFTER_APPEND. */
  readonly errorCodesAfterAppend?: readonly number[];
  /** Default [1, 50]. */
  readonly delayMs?: number | readonly [number, number];
  /** Default ['clean']. */
  readonly restartModes?: readonly RestartMode[];
  /** How long a restarted broker stays down; default 0. */
  readonly restartDownMs?: number;
  /** Default the five pre-duplicate-check codes: 10, 18, 87, 2, 29. */
  readonly retryRefusedCodes?: readonly number[];
  /** Cluster-level faults (topics deleted, partitions added, brokers dying ...), from their own seeded source. */
  readonly cluster?: ClusterFaultOptions;
}

export class RandomSchedule {
  active = true;
  private readonly random: () => number;
  private readonly apis: readonly ServedApi[];

  private readonly clusterFaults: ClusterFaultSchedule | null;

  constructor(
    readonly id: number,
    private readonly options: RandomScheduleOptions,
    private readonly control: ClusterControl,
    private readonly retries: RetryRefusals,
    auth: AuthRefusals,
    silence?: (nodeId: number, forMs: number) => void,
  ) {
    this.random = options.random ?? control.random;
    this.apis = options.apis ?? ['Produce', 'InitProducerId'];
    this.clusterFaults =
      options.cluster === undefined
        ? null
        : new ClusterFaultSchedule(options.cluster, control, auth, () => control.now(), silence);
  }

  apply(plan: RequestPlan, facts: RequestFacts): void {
    if (!this.active || !this.apis.includes(facts.api)) return;
    const p = this.options.probabilities;
    const first = facts.partitions.length > 0 ? this.pick(facts.partitions) : undefined;

    if (first !== undefined && this.roll(p.leaderMove)) {
      // A request may name a partition that no longer exists (its topic was deleted): nothing to move then.
      try {
        this.control.moveLeader(first.topic, first.partition);
        plan.randomKinds.push('leader-move');
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
    }
    if (this.roll(p.restart)) {
      plan.randomKinds.push('restart');
      const modes = this.options.restartModes ?? ['clean'];
      const restart = { producerState: this.pick(modes), downMs: this.options.restartDownMs ?? 0 };
      this.control.restartBroker(facts.nodeId, restart);
    }
    if (this.roll(p.reset)) {
      plan.randomKinds.push('reset');
      this.control.resetConnections({ nodeId: facts.nodeId }, 'random');
    }
    if (plan.loseRequest === null && this.roll(p.requestLost)) {
      plan.randomKinds.push('request-lost');
      plan.loseRequest = this.roll(p.blackhole) ? 'blackhole' : 'reset';
    }
    if (plan.loseResponse === null && this.roll(p.ackLost)) {
      plan.randomKinds.push('ack-lost');
      plan.loseResponse = this.roll(p.blackhole) ? 'blackhole' : 'reset';
    }
    if (p.retryRefused !== undefined && this.roll(p.retryRefused) && plan.loseResponse !== null) {
      plan.randomKinds.push('retry-refusal-armed');
      this.retries.arm(facts.batches, this.pick(this.options.retryRefusedCodes ?? PRE_DUPLICATE_CHECK_CODES));
    }
    if (first !== undefined && this.roll(p.error)) {
      const codes = this.options.errorCodes ?? [
        KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
        KafkaErrorCode.NOT_ENOUGH_REPLICAS,
      ];
      plan.randomKinds.push('error');
      plan.errors.push({ match: first, errorCode: this.pick(codes), afterAppend: false, source: 'random' });
    } else if (first !== undefined && this.roll(p.errorAfterAppend)) {
      const codes = this.options.errorCodesAfterAppend ?? [
        KafkaErrorCode.REQUEST_TIMED_OUT,
        KafkaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
      ];
      plan.randomKinds.push('error-after-append');
      plan.errors.push({ match: first, errorCode: this.pick(codes), afterAppend: true, source: 'random' });
    }
    if (this.roll(p.delay)) {
      plan.randomKinds.push('delay');
      plan.delayMs += sampleMs(this.options.delayMs ?? [1, 50], this.random);
    }
    if (facts.api === 'InitProducerId' && this.roll(p.producerIdNotReady)) {
      plan.randomKinds.push('producer-id-not-ready');
      plan.producerIdNotReady = true;
    }
    this.clusterFaults?.apply(plan, facts, first);
  }

  /** Always draws, so one kind's probability never shifts the draws of the others. */
  private roll(probability: number | undefined): boolean {
    const draw = this.random();
    return probability !== undefined && draw < probability;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}
