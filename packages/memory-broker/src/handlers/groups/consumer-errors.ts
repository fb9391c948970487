/**
 * The refusals of the consumer group coordinator, as Kafka's ApiExceptions: an error code and the message
 * Kafka puts in the response's errorMessage.
 */
import { KafkaErrorCode } from '@idem/codec';

/** A ConsumerGroupHeartbeat (or commit) refused with `errorCode` and Kafka's message. */
export class ConsumerGroupError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** FENCED_MEMBER_EPOCH: the member must give up its partitions and rejoin with epoch 0. */
export class FencedMemberEpoch extends ConsumerGroupError {
  constructor(message: string) {
    super(KafkaErrorCode.FENCED_MEMBER_EPOCH, message);
  }
}

/** INVALID_REQUEST with Kafka's reason. */
export function invalidRequest(message: string): ConsumerGroupError {
  return new ConsumerGroupError(KafkaErrorCode.INVALID_REQUEST, message);
}
