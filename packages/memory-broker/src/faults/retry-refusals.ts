/**
 * "Ack lost, then the retry refused": the fault behind issue 9's first defect. A batch is appended and its
 * response lost, so the producer cannot know it is in the log; its retry (the same producer id, epoch and base
 * sequence on the same partition) is then refused with an error Kafka raises before its duplicate check —
 * MESSAGE_TOO_LARGE or CORRUPT_MESSAGE from UnifiedLog.analyzeAndValidateRecords, INVALID_RECORD from
 * LogValidator, RECORD_LIST_TOO_LARGE from the segment-size check, TOPIC_AUTHORIZATION_FAILED from KafkaApis —
 * so the broker never says "duplicate" although the batch is written.
 */
import { KafkaErrorCode } from '@idem/codec';
import type { BatchIdentity, RequestFacts } from './match.js';
import type { RequestPlan } from './plan.js';

/** The codes Kafka can answer a retry with before it looks at producer state. */
export const PRE_DUPLICATE_CHECK_CODES: readonly number[] = Object.freeze([
  KafkaErrorCode.MESSAGE_TOO_LARGE,
  KafkaErrorCode.RECORD_LIST_TOO_LARGE,
  KafkaErrorCode.INVALID_RECORD,
  KafkaErrorCode.CORRUPT_MESSAGE,
  KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED,
]);

interface ArmedRefusal {
  readonly batch: BatchIdentity;
  readonly errorCode: number;
}

/** Refusals armed for batches whose response was lost, each spent on the first request that resends the batch. */
export class RetryRefusals {
  private armed: ArmedRefusal[] = [];

  /** Refuse the next resend of each of `batches` with `errorCode`. */
  arm(batches: readonly BatchIdentity[], errorCode: number): void {
    for (const batch of batches) this.armed.push({ batch, errorCode });
  }

  clear(): void {
    this.armed = [];
  }

  get size(): number {
    return this.armed.length;
  }

  /** Adds an error to `plan` for each partition of the request that resends an armed batch; spends those. */
  apply(plan: RequestPlan, facts: RequestFacts): void {
    if (this.armed.length === 0 || facts.batches.length === 0) return;
    const left: ArmedRefusal[] = [];
    for (const refusal of this.armed) {
      const resent = facts.batches.some((b) => sameBatch(b, refusal.batch));
      if (!resent) {
        left.push(refusal);
        continue;
      }
      const { topic, partition } = refusal.batch;
      plan.errors.unshift({
        match: { topic, partition },
        errorCode: refusal.errorCode,
        afterAppend: false,
        source: 'retry',
      });
      plan.randomKinds.push('retry-refused');
    }
    this.armed = left;
  }
}

function sameBatch(a: BatchIdentity, b: BatchIdentity): boolean {
  return (
    a.topic === b.topic &&
    a.partition === b.partition &&
    a.producerId === b.producerId &&
    a.epoch === b.epoch &&
    a.baseSequence === b.baseSequence
  );
}
