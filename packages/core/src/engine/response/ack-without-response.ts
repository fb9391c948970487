import type { ProducerBatch } from '../accumulator/partition-state.js';
import { advance } from '../completion/completion.js';
import type { EngineContext } from '../engine-context.js';

/** acks=0 (idempotence off only): the broker never answers, so a written request counts as delivered, offset -1. */
export function acknowledgeWithoutResponse(ctx: EngineContext, batch: ProducerBatch): void {
  if (batch.status !== 'live') return;
  batch.status = 'acked';
  batch.baseOffset = -1n;
  advance(ctx, batch.partition);
}
