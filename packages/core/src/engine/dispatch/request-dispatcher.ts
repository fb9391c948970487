import type { ProduceRequest, ProduceResponse, ProduceResponsePartitionProduceResponse } from '@idem/codec';
import { fatalConnectionCause, isNotSent, type Transport } from '../../ports/transport.js';
import type { ProducerBatch } from '../accumulator/partition-state.js';
import type { EngineContext } from '../engine-context.js';
import { NO_TOPIC_ID } from '../metadata/metadata-cache.js';
import { acknowledgeWithoutResponse } from '../response/ack-without-response.js';
import {
  handlePartitionResponse,
  handleUnknownOutcome,
  refuseConnection,
} from '../response/response-handler.js';

/** Topic ids are for Produce v13+; idem addresses topics by name, so the id is the all-zero uuid. */

/**
 * Sends Produce requests and routes each partition's answer to its batch. Owns the per-broker count of
 * outstanding requests (`maxInFlightRequestsPerConnection`) and the request timeout: a request not answered in
 * time is treated as outcome-unknown and its connection dropped, so later requests cannot be answered out of
 * order behind it.
 */
export class RequestDispatcher {
  private readonly outstanding = new Map<number, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly transport: Transport,
    /** Called after every request settles (the engine re-runs its loop and sweeps a fatal state). */
    private readonly afterSettle: () => void,
  ) {}

  capacity(node: number): number {
    return this.ctx.config.maxInFlightRequestsPerConnection - (this.outstanding.get(node) ?? 0);
  }

  send(node: number, batches: readonly ProducerBatch[]): void {
    const ctx = this.ctx;
    const request: ProduceRequest = {
      transactionalId: null,
      acks: ctx.config.acks,
      timeoutMs: ctx.config.requestTimeoutMs,
      topicData: groupByTopic(batches),
    };
    const now = ctx.clock.now();
    let bytes = 0;
    let records = 0;
    for (const batch of batches) {
      batch.onWire = true;
      batch.sentInDoubtGeneration = batch.partition.doubtGeneration;
      batch.attempts++;
      if (batch.firstSentAt < 0) batch.firstSentAt = now;
      batch.partition.wireCount++;
      batch.partition.wireNode = node;
      bytes += batch.bytes!.length;
      records += batch.recordCount;
    }
    this.outstanding.set(node, (this.outstanding.get(node) ?? 0) + 1);

    let settled = false;
    const timer = ctx.clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      this.finish(node, batches);
      this.metric(node, batches.length, records, bytes, now, 'unknown');
      for (const batch of batches) handleUnknownOutcome(ctx, batch, false, 'request timed out');
      suspectLeaders(ctx, batches);
      // Later requests on this connection would be answered behind the lost one: drop it.
      this.transport.disconnect(node);
      this.afterSettle();
    }, ctx.config.requestTimeoutMs);

    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      ctx.clock.clearTimeout(timer);
      this.finish(node, batches);
      fn();
      this.afterSettle();
    };
    let call: Promise<ProduceResponse>;
    try {
      call = this.transport.produce(node, request);
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (response) =>
        settle(() => {
          this.metric(node, batches.length, records, bytes, now, 'response');
          if (ctx.config.acks === 0) {
            for (const batch of batches) acknowledgeWithoutResponse(ctx, batch);
            return;
          }
          const answers = indexResponse(response, request);
          for (const batch of batches) {
            // The broker answered: whatever it said, it is alive (a leadership error refreshes on its own).
            batch.partition.leaderSuspect = false;
            const answer = answers.get(batch.partition.key);
            // A response that leaves our partition out says nothing about it: outcome unknown.
            if (answer === undefined)
              handleUnknownOutcome(ctx, batch, false, 'partition missing from response');
            else handlePartitionResponse(ctx, batch, answer);
          }
        }),
      (error: unknown) =>
        settle(() => {
          const fatal = fatalConnectionCause(error);
          if (fatal !== null) {
            // No retry can fix it (docs/design.md §"Connection errors no retry can fix"): fail at once, typed.
            this.metric(node, batches.length, records, bytes, now, 'notSent');
            const detail = error instanceof Error ? error.message : String(error);
            for (const batch of batches) refuseConnection(ctx, batch, fatal, detail);
            return;
          }
          const notSent = isNotSent(error);
          this.metric(node, batches.length, records, bytes, now, notSent ? 'notSent' : 'unknown');
          const reason = `transport: ${error instanceof Error ? error.message : String(error)}`;
          for (const batch of batches) handleUnknownOutcome(ctx, batch, notSent, reason);
          suspectLeaders(ctx, batches);
        }),
    );
  }

  private finish(node: number, batches: readonly ProducerBatch[]): void {
    this.outstanding.set(node, (this.outstanding.get(node) ?? 1) - 1);
    for (const batch of batches) {
      batch.onWire = false;
      batch.partition.wireCount--;
    }
  }

  private metric(
    nodeId: number,
    batches: number,
    records: number,
    bytes: number,
    sentAt: number,
    outcome: 'response' | 'unknown' | 'notSent',
  ): void {
    if (!this.ctx.events.has('request')) return;
    const latencyMs = this.ctx.clock.now() - sentAt;
    this.ctx.events.emit('request', { nodeId, batches, records, bytes, latencyMs, outcome });
  }
}

/**
 * A transport failure may mean the leader died: ask metadata who leads now, and keep asking (every retry backoff)
 * until it names another leader or this one answers, so a failover is followed within one metadata round trip of
 * the cluster electing a new leader, not after metadataMaxAgeMs (docs/design.md §"Failover").
 */
function suspectLeaders(ctx: EngineContext, batches: readonly ProducerBatch[]): void {
  let last = '';
  for (const batch of batches) {
    const entry = batch.partition;
    entry.leaderSuspect = true;
    if (entry.topic !== last) ctx.refreshMetadata(entry.topic);
    last = entry.topic;
  }
}

function groupByTopic(batches: readonly ProducerBatch[]): ProduceRequest['topicData'] {
  const topics = new Map<string, ProduceRequest['topicData'][number]>();
  for (const batch of batches) {
    const name = batch.partition.topic;
    let topic = topics.get(name);
    if (topic === undefined) {
      // Produce v13+ addresses the topic by id (the transport picks the version; older ones send the name).
      topic = { name, topicId: batch.partition.topicId, partitionData: [] };
      topics.set(name, topic);
    }
    topic.partitionData.push({ index: batch.partition.partition, records: batch.bytes });
  }
  return [...topics.values()];
}

/** The answers by partition key; a v13+ response names topics by id only, so ids map back through the request. */
function indexResponse(
  response: ProduceResponse,
  request: ProduceRequest,
): Map<string, ProduceResponsePartitionProduceResponse> {
  const names = new Map<string, string>();
  for (const topic of request.topicData)
    if (topic.topicId !== NO_TOPIC_ID) names.set(topic.topicId, topic.name);
  const map = new Map<string, ProduceResponsePartitionProduceResponse>();
  for (const topic of response.responses) {
    const name = topic.name === '' || topic.name === null ? names.get(topic.topicId) : topic.name;
    if (name === undefined) continue;
    for (const partition of topic.partitionResponses) map.set(`${name}\u0000${partition.index}`, partition);
  }
  return map;
}
