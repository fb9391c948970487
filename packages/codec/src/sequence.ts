/**
 * Kafka's producer sequence arithmetic, in one place. Sequences live in [0, 2^31 - 1] and wrap to 0
 * after the maximum (DefaultRecordBatch.incrementSequence), so plain `+` is wrong at the wrap.
 */

/** The largest sequence number; the one after it is 0. */
export const MAX_SEQUENCE = 2 ** 31 - 1;

/** The "no sequence" marker of a non-idempotent batch. */
export const NO_SEQUENCE = -1;

/** `sequence + delta`, wrapping past MAX_SEQUENCE to 0. `delta` is non-negative. */
export function incrementSequence(sequence: number, delta: number): number {
  if (sequence > MAX_SEQUENCE - delta) return delta - (MAX_SEQUENCE - sequence) - 1;
  return sequence + delta;
}

/** `sequence - delta`, wrapping below 0 to MAX_SEQUENCE. `delta` is non-negative. */
export function decrementSequence(sequence: number, delta: number): number {
  if (sequence < delta) return MAX_SEQUENCE - (delta - sequence) + 1;
  return sequence - delta;
}

/** The sequence of the last record of a batch; NO_SEQUENCE stays NO_SEQUENCE. */
export function lastSequence(baseSequence: number, recordCount: number): number {
  if (baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  return incrementSequence(baseSequence, recordCount - 1);
}

/** Whether `nextSequence` directly follows `lastSeq` (with wrap-around); -1 is followed by 0. */
export function isNextInSequence(lastSeq: number, nextSequence: number): boolean {
  return nextSequence === incrementSequence(lastSeq, 1);
}
