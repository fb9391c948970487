/** Programmed fault rules: each applies to the next `count` requests that match it, then retires. */
import type { RequestMatch } from './match.js';
import type { AfterLoss, HoldGate } from './plan.js';

export type FaultRule =
  | RuleBase<'error', { readonly errorCode: number; readonly afterAppend: boolean }>
  | RuleBase<'lose-request', { readonly afterwards: AfterLoss }>
  | RuleBase<'lose-response', { readonly afterwards: AfterLoss }>
  | RuleBase<'delay', { readonly ms: number | readonly [number, number] }>
  | RuleBase<'hold', { readonly gate: HoldGate }>
  | RuleBase<'producer-id-not-ready', Record<never, never>>
  | RuleBase<'refuse-retry', { readonly errorCode: number }>;

type RuleBase<K extends string, P> = {
  readonly id: number;
  readonly kind: K;
  readonly match: RequestMatch;
  /** Requests still to affect; Infinity for "until cancelled". */
  remaining: number;
} & P;

export type FaultRuleKind = FaultRule['kind'];

/** A programmed fault as the caller sees it. */
export interface FaultHandle {
  readonly id: number;
  /** Requests it will still affect. */
  readonly remaining: number;
  readonly active: boolean;
  /** Retires the fault: no later request matches it (a retry refusal it already armed still applies). Idempotent. */
  cancel(): void;
}

/** A hold: matching responses wait until `release()`; `cancel()` holds no more but leaves the parked ones parked. */
export interface HoldHandle extends FaultHandle {
  /** Responses parked right now. */
  readonly held: number;
  /** Delivers every parked response (in the order they were parked) and stops holding. */
  release(): void;
}

export class Gate implements HoldGate {
  private parked: (() => void)[] = [];
  private done = false;

  constructor(readonly id: number) {}

  get released(): boolean {
    return this.done;
  }

  get held(): number {
    return this.parked.length;
  }

  park(deliver: () => void): void {
    if (this.done) deliver();
    else this.parked.push(deliver);
  }

  release(): void {
    this.done = true;
    const parked = this.parked;
    this.parked = [];
    for (const deliver of parked) deliver();
  }
}
