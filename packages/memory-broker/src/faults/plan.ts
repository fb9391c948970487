/** What the fault machinery decided for one request, before the broker processes it. */
import { matchesPartition, type RequestMatch, type TopicPartitionRef } from './match.js';

/** After a lost request or response: reset the connection (the client sees ECONNRESET) or go silent. */
export type AfterLoss = 'reset' | 'blackhole';

export interface InjectedError {
  /** Which partitions of a Produce get the error (the rule's match); other APIs get it at the top level. */
  readonly match: RequestMatch;
  readonly errorCode: number;
  /** Produce only: append first, then answer with the error (like REQUEST_TIMED_OUT after a local append). */
  readonly afterAppend: boolean;
  /** 'retry': the refusal of a retry whose first attempt's response was lost (RandomSchedule retryRefused). */
  readonly source: 'rule' | 'random' | 'retry';
}

/** A response parked until `release()`; see Faults.holdResponses. */
export interface HoldGate {
  readonly id: number;
  readonly released: boolean;
  /** Called with a delivery function when a response is parked. */
  park(deliver: () => void): void;
}

export class RequestPlan {
  loseRequest: AfterLoss | null = null;
  loseResponse: AfterLoss | null = null;
  readonly errors: InjectedError[] = [];
  delayMs = 0;
  hold: HoldGate | null = null;
  producerIdNotReady = false;
  /** Which of the decisions came from the random schedule (for the event log). */
  readonly randomKinds: string[] = [];

  /** The injected error for this partition of a Produce, if any. */
  errorFor(tp: TopicPartitionRef): InjectedError | undefined {
    return this.errors.find((e) => matchesPartition(e.match, tp));
  }

  /** The injected error for a request without partitions (InitProducerId, Metadata ...). */
  get topLevelError(): InjectedError | undefined {
    return this.errors[0];
  }

  get isEmpty(): boolean {
    return (
      this.loseRequest === null &&
      this.loseResponse === null &&
      this.errors.length === 0 &&
      this.delayMs === 0 &&
      this.hold === null &&
      !this.producerIdNotReady
    );
  }
}
