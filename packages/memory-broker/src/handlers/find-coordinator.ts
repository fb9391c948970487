/**
 * FindCoordinator: the broker that coordinates a group (key type 0) or a transactional id (1; this
 * broker has no transaction coordinator, so InitProducerId there still refuses the id). v0–3 ask for
 * one key, v4+ for a batch.
 */
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  FindCoordinatorResponseCoordinator,
} from '@idem/codec';
import { KafkaErrorCode } from '@idem/codec';
import type { HandlerContext } from './context.js';
import { coordinatorFor } from './groups/coordinator-node.js';

const GROUP = 0;
const TRANSACTION = 1;

export function handleFindCoordinator(
  ctx: HandlerContext,
  request: FindCoordinatorRequest,
  version: number,
): FindCoordinatorResponse {
  const injected = ctx.plan.topLevelError?.errorCode;
  const keys = version >= 4 ? request.coordinatorKeys : [request.key];
  const coordinators = keys.map((key) => locate(ctx, key, request.keyType, injected));
  if (version >= 4) {
    // The batched form: the single-key fields stay at their defaults.
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 0,
      host: '',
      port: 0,
      coordinators,
    };
  }
  const only = coordinators[0]!;
  return {
    throttleTimeMs: 0,
    errorCode: only.errorCode,
    errorMessage: version >= 1 ? only.errorMessage : null,
    nodeId: only.nodeId,
    host: only.host,
    port: only.port,
    coordinators: [],
  };
}

function locate(
  ctx: HandlerContext,
  key: string,
  keyType: number,
  injected: number | undefined,
): FindCoordinatorResponseCoordinator {
  const fail = (errorCode: number, errorMessage: string | null) => ({
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode,
    errorMessage,
  });
  if (injected !== undefined) return fail(injected, 'injected fault');
  if (keyType !== GROUP && keyType !== TRANSACTION) {
    return fail(KafkaErrorCode.INVALID_REQUEST, `unsupported coordinator key type ${keyType}`);
  }
  if (keyType === GROUP && key === '') return fail(KafkaErrorCode.INVALID_REQUEST, 'empty group id');
  const broker = coordinatorFor(ctx.cluster, key);
  if (broker === undefined) return fail(KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, 'no live broker');
  return {
    key,
    nodeId: broker.nodeId,
    host: broker.host,
    port: broker.port,
    errorCode: KafkaErrorCode.NONE,
    errorMessage: null,
  };
}
