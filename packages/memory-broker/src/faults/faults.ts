/**
 * The fault-injection API (`cluster.faults`). Programmed faults are rules matched against each
 * request in arrival order, so a run is deterministic; the random schedule draws from the
 * cluster's seeded source. Every fault that takes effect is written to `cluster.events`.
 */
import type { StopBrokerOptions } from '../cluster/broker-outage.js';
import type { BrokerProfile } from '../partition/profile.js';
import { type AuthMatch, type AuthRefusalOptions, AuthRefusals } from './auth-refusals.js';
import { type ClusterControl, type ConnectionFilter, type RestartOptions, sampleMs } from './control.js';
import { matchesRequest, type RequestFacts, type RequestMatch } from './match.js';
import { type AfterLoss, RequestPlan } from './plan.js';
import { RandomSchedule, type RandomScheduleOptions } from './random-schedule.js';
import { RetryRefusals } from './retry-refusals.js';
import { type FaultHandle, type FaultRule, Gate, type HoldHandle } from './rules.js';

/** How many matching requests a fault affects; a count that is not positive throws a RangeError. */
export interface CountOption {
  /** How many matching requests to affect; default 1, `Infinity` until cancelled. */
  readonly count?: number;
}

/** Options of Faults.loseRequest and Faults.loseResponse. */
export interface LossOptions extends CountOption {
  /** What follows the loss — 'reset' (default): the connection is reset and the client's promise rejects. 'blackhole': silence until the client disconnects. */
  readonly afterwards?: AfterLoss;
}

/**
 * The fault-injection API of a cluster (`cluster.faults`): programmed rules matched against each request in
 * arrival order, a random schedule, and direct actions on brokers, partitions and connections.
 */
export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private schedules: RandomSchedule[] = [];
  private readonly retries = new RetryRefusals();
  /** @internal Connection attempts refused authentication (the cluster asks it when a client connects). */
  readonly auth = new AuthRefusals();

  constructor(private readonly control: ClusterControl) {}

  /**
   * "Ack lost, then the retry refused": the next `count` matching Produce requests are appended and their
   * responses lost (the connection resets), and the first later request that resends one of their batches (same
   * producer id, epoch and base sequence on that partition) is refused with `errorCode`, nothing appended. Use an
   * error Kafka raises before its duplicate check (MESSAGE_TOO_LARGE 10, RECORD_LIST_TOO_LARGE 18, INVALID_RECORD
   * 87, CORRUPT_MESSAGE 2, TOPIC_AUTHORIZATION_FAILED 29): the producer then never learns the batch is written.
   */
  refuseRetry(match: RequestMatch, errorCode: number, options: CountOption = {}): FaultHandle {
    return this.add({ kind: 'refuse-retry', match, errorCode }, options);
  }

  /**
   * Refuse authentication to connections being opened by matching clients: every attempt (bad credentials, the
   * default) or `count` of them, or all for `forMs`. The client's request rejects with `{ notSent: true,
   * fatalConnection: 'authentication' }`; open connections are not touched.
   */
  refuseAuthentication(match: AuthMatch = {}, options: AuthRefusalOptions = {}): FaultHandle {
    const rule = this.auth.add(match, options, this.control.now());
    // A `forMs` window that has passed affects no more attempts, whatever count it had left.
    const remaining = () => (this.control.now() < rule.until ? rule.remaining : 0);
    return {
      id: this.nextId++,
      get remaining() {
        return remaining();
      },
      get active() {
        return remaining() > 0;
      },
      cancel: () => this.auth.cancel(rule),
    };
  }

  /**
   * A broker dies (no controlled shutdown): its connections reset and new ones are refused (ECONNREFUSED, nothing
   * sent), Metadata keeps naming it until the controller fences it after `failoverAfterMs` (default 9 s) and moves
   * its leaderships to live brokers; after `downMs` (default: never) it comes back as a follower.
   */
  stopBroker(nodeId: number, options: StopBrokerOptions = {}): void {
    this.control.stopBroker(nodeId, options);
  }

  /**
   * Broker `nodeId` goes silent for `forMs`: it takes every request (any API, any connection, new ones too) and
   * answers none, as a long GC pause or a half-open network path looks to a client. A connection that sent a
   * request meanwhile stays silent until the client drops it; afterwards new requests are served again.
   */
  silenceBroker(nodeId: number, forMs: number): FaultHandle {
    if (!(forMs > 0)) throw new RangeError(`silenceBroker: forMs must be positive, got ${forMs}`);
    this.control.recordSilence(nodeId, forMs);
    const handle = this.loseRequest({ nodeId }, { count: Number.POSITIVE_INFINITY, afterwards: 'blackhole' });
    if (Number.isFinite(forMs)) this.control.later(forMs, () => handle.cancel());
    return handle;
  }

  /** Broker `nodeId` answers Metadata from the cluster as it is now, frozen, for `forMs`: a lagging broker. */
  staleMetadata(nodeId: number, forMs: number): void {
    this.control.staleMetadata(nodeId, forMs);
  }

  /**
   * Answer the next `count` matching requests with `errorCode`. For Produce only the matching
   * partitions get it (nothing appended, unless `afterAppend`); other APIs get it as their error.
   */
  injectError(
    match: RequestMatch,
    errorCode: number,
    options: CountOption & { afterAppend?: boolean } = {},
  ): FaultHandle {
    return this.add({ kind: 'error', match, errorCode, afterAppend: options.afterAppend ?? false }, options);
  }

  /** Drop the next matching requests before the broker sees them. The client cannot tell this from a lost ack. */
  loseRequest(match: RequestMatch = {}, options: LossOptions = {}): FaultHandle {
    return this.add({ kind: 'lose-request', match, afterwards: options.afterwards ?? 'reset' }, options);
  }

  /** "Ack lost": process (append) the next matching requests, then lose the response. */
  loseResponse(match: RequestMatch = {}, options: LossOptions = {}): FaultHandle {
    return this.add({ kind: 'lose-response', match, afterwards: options.afterwards ?? 'reset' }, options);
  }

  /** Process at once but answer `ms` later (a `[min, max]` range draws from the seeded source). */
  delayResponses(
    match: RequestMatch,
    options: CountOption & { ms: number | readonly [number, number] },
  ): FaultHandle {
    return this.add({ kind: 'delay', match, ms: options.ms }, options);
  }

  /**
   * Process matching requests at once but park their responses until `release()`. The connection
   * stays busy meanwhile (Kafka answers a connection in order), so this reorders responses across
   * connections only. Default count: until released.
   */
  holdResponses(match: RequestMatch, options: CountOption = {}): HoldHandle {
    const gate = new Gate(this.nextId);
    const handle = this.add(
      { kind: 'hold', match, gate },
      { count: options.count ?? Number.POSITIVE_INFINITY },
    );
    return {
      get id() {
        return handle.id;
      },
      get remaining() {
        return handle.remaining;
      },
      get active() {
        return handle.active;
      },
      cancel: () => handle.cancel(),
      get held() {
        return gate.held;
      },
      release: () => {
        handle.cancel();
        gate.release();
      },
    };
  }

  /** InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS, as a broker whose producer-id block is not ready. */
  producerIdNotReady(options: CountOption & { nodeId?: number } = {}): FaultHandle {
    const match: RequestMatch =
      options.nodeId === undefined
        ? { api: 'InitProducerId' }
        : { api: 'InitProducerId', nodeId: options.nodeId };
    return this.add({ kind: 'producer-id-not-ready', match }, options);
  }

  /** "Legacy broker": follow a pre-2.5 profile, which answers UNKNOWN_PRODUCER_ID (and, for 1.0-1.1, DUPLICATE_SEQUENCE_NUMBER). */
  legacyBroker(profile: '1.0-1.1' | '2.0-2.4' = '2.0-2.4'): void {
    this.control.setProfile(profile);
  }

  /** Follow another Kafka release's producer-state rules (see BrokerProfile), from the next Produce on. */
  setProfile(profile: BrokerProfile): void {
    this.control.setProfile(profile);
  }

  /** Move a partition's leadership (to the next broker by default); producer state moves with it. Returns the new leader. */
  moveLeader(topic: string, partition: number, toNodeId?: number): number {
    return this.control.moveLeader(topic, partition, toNodeId);
  }

  /**
   * Restart broker `nodeId`: its connections reset, it forgets its producer-id block, and the producer state of the
   * partitions it leads follows `producerState`. Throws a RangeError for an unknown node.
   */
  restartBroker(nodeId: number, options: RestartOptions = {}): void {
    this.control.restartBroker(nodeId, options);
  }

  /** Reset connections now; requests in flight on them reject with ECONNRESET. Returns how many were reset. */
  resetConnections(filter: ConnectionFilter = {}): number {
    return this.control.resetConnections(filter, 'fault');
  }

  /** Inject faults at random, per request, with the given probabilities (see RandomScheduleOptions). */
  randomSchedule(options: RandomScheduleOptions): FaultHandle {
    const schedule = new RandomSchedule(
      this.nextId++,
      options,
      this.control,
      this.retries,
      this.auth,
      (node, ms) => this.silenceBroker(node, ms),
    );
    this.schedules.push(schedule);
    return {
      id: schedule.id,
      get remaining() {
        return schedule.active ? Number.POSITIVE_INFINITY : 0;
      },
      get active() {
        return schedule.active;
      },
      cancel: () => {
        schedule.active = false;
        this.schedules = this.schedules.filter((s) => s !== schedule);
      },
    };
  }

  /** Cancel every rule and schedule (held responses stay parked until their handle releases them). */
  clear(): void {
    this.rules = [];
    this.retries.clear();
    for (const s of this.schedules) s.active = false;
    this.schedules = [];
  }

  /** True when nothing is programmed: requests skip fault planning entirely (the fast path). */
  get idle(): boolean {
    return this.rules.length === 0 && this.schedules.length === 0 && this.retries.size === 0;
  }

  /** Programmed rules still active. */
  get activeRules(): number {
    return this.rules.length;
  }

  /** @internal Decides the faults for one request; consumes rule counts. */
  plan(facts: RequestFacts): RequestPlan {
    const plan = new RequestPlan();
    this.retries.apply(plan, facts);
    if (this.rules.length > 0) this.applyRules(plan, facts);
    for (const schedule of this.schedules) schedule.apply(plan, facts);
    return plan;
  }

  private applyRules(plan: RequestPlan, facts: RequestFacts): void {
    for (const rule of this.rules) {
      if (!matchesRequest(rule.match, facts)) continue;
      let used = true;
      switch (rule.kind) {
        case 'error':
          plan.errors.push({
            match: rule.match,
            errorCode: rule.errorCode,
            afterAppend: rule.afterAppend,
            source: 'rule',
          });
          break;
        case 'lose-request':
          if (plan.loseRequest === null) plan.loseRequest = rule.afterwards;
          else used = false;
          break;
        case 'lose-response':
          if (plan.loseResponse === null) plan.loseResponse = rule.afterwards;
          else used = false;
          break;
        case 'delay':
          plan.delayMs += sampleMs(rule.ms, this.control.random);
          break;
        case 'hold':
          if (plan.hold === null) plan.hold = rule.gate;
          else used = false;
          break;
        case 'producer-id-not-ready':
          plan.producerIdNotReady = true;
          break;
        case 'refuse-retry':
          if (facts.api !== 'Produce' || facts.batches.length === 0 || plan.loseResponse !== null) {
            used = false;
            break;
          }
          plan.loseResponse = 'reset';
          this.retries.arm(facts.batches, rule.errorCode);
          break;
      }
      if (used) rule.remaining--;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
  }

  private add(rule: DistributiveOmit<FaultRule, 'id' | 'remaining'>, options: CountOption): FaultHandle {
    const count = options.count ?? 1;
    if (!(count > 0)) throw new RangeError(`fault count must be positive, got ${count}`);
    const full = { ...rule, id: this.nextId++, remaining: count } as FaultRule;
    this.rules.push(full);
    return {
      id: full.id,
      get remaining() {
        return full.remaining;
      },
      get active() {
        return full.remaining > 0;
      },
      cancel: () => {
        full.remaining = 0;
        this.rules = this.rules.filter((r) => r !== full);
      },
    };
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
