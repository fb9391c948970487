// Fault rules: which requests to hurt and how. Rules are checked in the order they were added, for every request a
// client sends; the first rule that fires decides the request's fate.

/**
 * - `ackLost`: forward the request, let the broker process it, drop its response, then cut the client connection
 *   (the client sees a closed connection and cannot know the request was applied).
 * - `cut`: cut the connection when the request arrives, before forwarding it: the request never reaches the broker,
 *   and every earlier request still in flight on that connection loses its response.
 * - `delay`: forward the request and hold its response for `delayMs` (responses after it wait too: Kafka answers
 *   in order on a connection).
 * - `blackhole`: from this request on, hold all traffic of the connection in both directions for `durationMs`, then
 *   release it (`end: 'release'`) or cut the connection (`end: 'cut'`).
 */
export type FaultKind = 'ackLost' | 'cut' | 'delay' | 'blackhole';

/** Which requests a rule applies to; an absent filter matches everything. */
export interface FaultFilter {
  /** Kafka API keys (0 = Produce, 3 = Metadata, …). */
  readonly apiKeys?: readonly number[];
  /** Broker node ids, or 'bootstrap' for connections made to the bootstrap listener. */
  readonly nodeIds?: readonly (number | 'bootstrap')[];
}

export interface FaultRuleSpec extends FaultFilter {
  readonly kind: FaultKind;
  /** Chance that a matching request is hit, drawn from the proxy's seeded generator. Default 1. */
  readonly probability?: number;
  /** Matching requests to let through untouched before the rule can fire ("the 3rd Produce": skip 2). Default 0. */
  readonly skip?: number;
  /** How many times the rule fires at most ("next N"). Default 1; `Infinity` for a standing rule. */
  readonly count?: number;
  /** `delay`: how long to hold the response. */
  readonly delayMs?: number;
  /** `blackhole`: how long to hold the connection's traffic. */
  readonly durationMs?: number;
  /** `blackhole`: what happens when the time is up. Default 'release'. */
  readonly end?: 'release' | 'cut';
}

/** A rule as the proxy holds it; `fired` and `matched` are live counters. */
export interface FaultRule {
  readonly id: number;
  readonly spec: FaultRuleSpec;
  /** Matching requests seen (including skipped ones and ones the probability spared). */
  readonly matched: number;
  /** Times the rule fired. */
  readonly fired: number;
  /** Stops the rule from firing again (faults already under way finish). */
  remove(): void;
}

/** What the proxy knows about a request when it asks the rules. */
export interface RequestContext {
  readonly apiKey: number;
  readonly nodeId: number | 'bootstrap';
}

class Rule implements FaultRule {
  matched = 0;
  fired = 0;
  private skipLeft: number;
  removed = false;

  constructor(
    readonly id: number,
    readonly spec: FaultRuleSpec,
    private readonly rules: FaultRules,
  ) {
    this.skipLeft = spec.skip ?? 0;
  }

  remove(): void {
    this.removed = true;
    this.rules.drop(this);
  }

  /** Counts a matching request and says whether the rule fires on it. */
  offer(context: RequestContext, random: () => number): boolean {
    const { apiKeys, nodeIds } = this.spec;
    if (apiKeys && !apiKeys.includes(context.apiKey)) return false;
    if (nodeIds && !nodeIds.includes(context.nodeId)) return false;
    this.matched++;
    if (this.skipLeft > 0) {
      this.skipLeft--;
      return false;
    }
    if (this.fired >= (this.spec.count ?? 1)) return false;
    const p = this.spec.probability ?? 1;
    // Draw only for probabilistic rules, so adding a deterministic rule does not shift another rule's schedule.
    if (p < 1 && !(random() < p)) return false;
    this.fired++;
    return true;
  }
}

/** The ordered rule list of one proxy. */
export class FaultRules {
  private readonly rules: Rule[] = [];
  private nextId = 1;

  constructor(private readonly random: () => number) {}

  add(spec: FaultRuleSpec): FaultRule {
    validate(spec);
    const rule = new Rule(this.nextId++, spec, this);
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    for (const rule of this.rules) rule.removed = true;
    this.rules.length = 0;
  }

  drop(rule: Rule): void {
    const at = this.rules.indexOf(rule);
    if (at >= 0) this.rules.splice(at, 1);
  }

  /** The first rule that fires for this request, or null. */
  pick(context: RequestContext): FaultRule | null {
    for (const rule of this.rules) {
      if (rule.offer(context, this.random)) return rule;
    }
    return null;
  }
}

function validate(spec: FaultRuleSpec): void {
  const fail = (what: string): never => {
    throw new RangeError(`fault proxy: ${spec.kind} rule: ${what}`);
  };
  const p = spec.probability ?? 1;
  if (!(p > 0 && p <= 1)) fail(`probability ${p} is not in (0, 1]`);
  const count = spec.count ?? 1;
  if (!(count >= 1) || (Number.isFinite(count) && !Number.isInteger(count)))
    fail(`count ${count} is not a positive integer`);
  const skip = spec.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0) fail(`skip ${skip} is not a non-negative integer`);
  if (spec.kind === 'delay' && !isDuration(spec.delayMs)) fail('delayMs must be a non-negative number of ms');
  if (spec.kind === 'blackhole' && !isDuration(spec.durationMs))
    fail('durationMs must be a non-negative number of ms');
}

function isDuration(ms: number | undefined): boolean {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 && ms <= 2_147_483_647;
}
