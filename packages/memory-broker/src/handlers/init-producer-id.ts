/**
 * InitProducerId as Kafka 4.3 serves an idempotent (non-transactional) producer (docs/broker-rules.md §"InitProducerId for an idempotent producer",
 * KafkaApis.handleInitProducerIdRequest and TransactionCoordinator.handleInitProducerId):
 * - v3+: exactly one of ProducerId / ProducerEpoch set to -1 → INVALID_REQUEST;
 * - otherwise, with no transactional id, the pair is ignored and a fresh id with epoch 0 is
 *   returned, from the answering broker's block;
 * - an empty transactional id → INVALID_REQUEST (Kafka); any other transactional id → INVALID_REQUEST
 *   too, because this broker has no transaction coordinator (recorded as an 'unsupported' event).
 * Every error answer carries ProducerId -1 and ProducerEpoch -1.
 */
import type { InitProducerIdRequest, InitProducerIdResponse } from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { HandlerContext } from './context.js';

export function handleInitProducerId(
  ctx: HandlerContext,
  request: InitProducerIdRequest,
): InitProducerIdResponse {
  const injected = ctx.plan.topLevelError;
  if (injected !== undefined) {
    ctx.cluster.events.record({
      kind: 'error-injected',
      nodeId: ctx.broker.nodeId,
      connectionId: ctx.connectionId,
      api: 'InitProducerId',
      errorCode: injected.errorCode,
      detail: injected.source,
    });
    return failure(injected.errorCode);
  }
  if ((request.producerId === -1n) !== (request.producerEpoch === -1)) {
    return failure(KafkaErrorCode.INVALID_REQUEST);
  }
  if (request.transactionalId !== null) {
    if (request.transactionalId !== '') {
      ctx.cluster.events.record({
        kind: 'unsupported',
        nodeId: ctx.broker.nodeId,
        connectionId: ctx.connectionId,
        api: 'InitProducerId',
        detail: `transactional id '${request.transactionalId}': @idem/memory-broker has no transaction coordinator; answered INVALID_REQUEST`,
      });
    }
    return failure(KafkaErrorCode.INVALID_REQUEST);
  }
  if (ctx.plan.producerIdNotReady) {
    ctx.cluster.events.record({
      kind: 'producer-id-not-ready',
      nodeId: ctx.broker.nodeId,
      connectionId: ctx.connectionId,
      api: 'InitProducerId',
      errorCode: KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    });
    return failure(KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  }
  return response(KafkaErrorCode.NONE, ctx.broker.producerIds.next(), 0);
}

function failure(errorCode: number): InitProducerIdResponse {
  return response(errorCode, -1n, -1);
}

function response(errorCode: number, producerId: bigint, producerEpoch: number): InitProducerIdResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    producerId,
    producerEpoch,
    ongoingTxnProducerId: -1n,
    ongoingTxnProducerEpoch: -1,
  };
}
