import {
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  incrementSequence,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '@idem/codec';
import type { Clock, Transport } from '../../src/ports/transport.js';
import { decodeTestBatch } from './test-codec.js';

/**
 * A small in-test Kafka stand-in: per-partition logs with Kafka's idempotent-producer rules (5-batch dedup,
 * epoch checks, sequence continuity: docs/broker-rules.md §"The producer-state decision") and fault hooks. The engine tests use it until
 * @idem/memory-broker is available; it keeps the rules it implements exactly as Kafka has them.
 */

interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: bigint;
}
interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
}
export interface LogEntry {
  offset: bigint;
  value: string | null;
  key: string | null;
  producerId: bigint;
  epoch: number;
  sequence: number;
}
interface PartitionData {
  leader: number;
  leaderEpoch: number;
  log: LogEntry[];
  logStartOffset: bigint;
  producers: Map<bigint, ProducerEntry>;
}

export type ProduceFault =
  /** The request never reaches the broker; the client sees a network error. */
  | 'dropRequest'
  /** Appended, but the response is lost (connection reset). */
  | 'dropResponse'
  /** Appended, the response never comes until the client disconnects. */
  | 'hangAfterAppend'
  /** Nothing happens and nothing comes back until the client disconnects. */
  | 'hang';

export interface PartitionErrorRule {
  topic: string;
  partition: number;
  code: number;
  times: number;
  /** Match only a batch with this base sequence. */
  sequence?: number;
  logStartOffset?: bigint;
  currentLeader?: { leaderId: number; leaderEpoch: number };
  /** Apply after appending (the error replaces a successful answer), e.g. REQUEST_TIMED_OUT. */
  afterAppend?: boolean;
}

/** What a chaos hook decides for one produce request. */
export interface ChaosDecision {
  fault?: ProduceFault;
  /** Per partition (`topic/partition`): answer this error; `afterAppend` appends first. */
  errors?: Map<string, { code: number; afterAppend: boolean }>;
}

export interface FakeClusterOptions {
  clock: Clock;
  nodes?: number[];
  topics: Record<string, { partitions: number; leaders?: number[] }>;
  latencyMs?: number;
  /** Kafka 4.5 (KAFKA-15591): a never-written partition takes only first sequence 0 from an unknown producer. */
  rejectNonZeroOnEmpty?: boolean;
}

interface Pending {
  node: number;
  reject: (error: Error) => void;
  timer: unknown;
}

export class FakeCluster {
  readonly clock: Clock;
  readonly nodes: number[];
  readonly partitions = new Map<string, PartitionData>();
  readonly topicPartitions = new Map<string, number>();
  latencyMs: number;
  rejectNonZeroOnEmpty: boolean;
  /** Faults for the next produce requests, applied in order (one per request). */
  readonly produceFaults: { fault: ProduceFault; node?: number }[] = [];
  readonly errorRules: PartitionErrorRule[] = [];
  /** InitProducerId: nodes that hang, and error codes to answer next. */
  readonly hungNodes = new Set<number>();
  readonly initErrors: number[] = [];
  /** Epoch handed out with new producer ids (to reach epoch exhaustion quickly). */
  initEpoch = 0;
  /** Every produce request seen: node and per partition (pid, epoch, base sequence, count). */
  readonly produceLog: {
    node: number;
    batches: {
      topic: string;
      partition: number;
      producerId: bigint;
      epoch: number;
      baseSequence: number;
      count: number;
    }[];
  }[] = [];
  readonly initLog: number[] = [];
  /** Random fault hook for simulations, consulted for every produce request. */
  chaos: ((node: number, partitions: { topic: string; partition: number }[]) => ChaosDecision) | null = null;
  private nextProducerId = 1000n;
  /** Produce requests currently outstanding per node (max seen, to check pipelining). */
  readonly outstanding = new Map<number, number>();
  maxOutstanding = 0;

  constructor(options: FakeClusterOptions) {
    this.clock = options.clock;
    this.nodes = options.nodes ?? [1];
    this.latencyMs = options.latencyMs ?? 1;
    this.rejectNonZeroOnEmpty = options.rejectNonZeroOnEmpty ?? false;
    for (const [topic, spec] of Object.entries(options.topics)) {
      this.topicPartitions.set(topic, spec.partitions);
      for (let p = 0; p < spec.partitions; p++) {
        this.partitions.set(`${topic}/${p}`, {
          leader: spec.leaders?.[p] ?? this.nodes[p % this.nodes.length]!,
          leaderEpoch: 0,
          log: [],
          logStartOffset: 0n,
          producers: new Map(),
        });
      }
    }
  }

  partition(topic: string, partition: number): PartitionData {
    const data = this.partitions.get(`${topic}/${partition}`);
    if (data === undefined) throw new Error(`no partition ${topic}/${partition}`);
    return data;
  }

  values(topic: string, partition: number): (string | null)[] {
    return this.partition(topic, partition).log.map((e) => e.value);
  }

  moveLeader(topic: string, partition: number, node: number): void {
    const data = this.partition(topic, partition);
    data.leader = node;
    data.leaderEpoch++;
  }

  /** The broker forgets every producer on this partition (expiry, or a restart that lost the snapshot). */
  forgetProducers(topic: string, partition: number): void {
    this.partition(topic, partition).producers.clear();
  }

  /** Truncates the log to `length` entries (unclean leader election), keeping producer state consistent. */
  truncate(topic: string, partition: number, length: number): void {
    const data = this.partition(topic, partition);
    data.log.length = length;
    data.producers.clear();
    for (const entry of data.log) {
      const producer = data.producers.get(entry.producerId) ?? { epoch: entry.epoch, batches: [] };
      producer.epoch = entry.epoch;
      producer.batches = [{ firstSeq: entry.sequence, lastSeq: entry.sequence, firstOffset: entry.offset }];
      data.producers.set(entry.producerId, producer);
    }
  }

  /** A client with its own connections: `disconnect` fails only this client's requests. */
  transport(): Transport {
    const pending = new Set<Pending>();
    return {
      metadata: (topics) => this.delay(pending, 0, () => this.metadata(topics)),
      initProducerId: (request) => this.initProducerIdOn(pending, this.nodes[0]!, request),
      initProducerIdOn: (node, request) => this.initProducerIdOn(pending, node, request),
      produce: (node, request) => this.produce(pending, node, request),
      disconnect: (node) => {
        for (const entry of [...pending]) {
          if (entry.node !== node) continue;
          pending.delete(entry);
          const p = entry;
          this.clock.clearTimeout(p.timer);
          p.reject(new Error(`connection to ${node} closed`));
        }
      },
      close: async () => {},
    };
  }

  private delay<T>(pending: Set<Pending>, node: number, fn: () => T | 'hang' | Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { node, reject, timer: null };
      const result = fn();
      pending.add(entry);
      if (result === 'hang') return;
      entry.timer = this.clock.setTimeout(() => {
        pending.delete(entry);
        if (result instanceof Error) reject(result);
        else resolve(result);
      }, this.latencyMs);
    });
  }

  private metadata(topics: readonly string[]): MetadataResponse {
    return {
      throttleTimeMs: 0,
      brokers: this.nodes.map((nodeId) => ({ nodeId, host: 'localhost', port: 9000 + nodeId, rack: null })),
      clusterId: 'fake',
      controllerId: this.nodes[0]!,
      clusterAuthorizedOperations: 0,
      errorCode: 0,
      topics: topics.map((name) => {
        const count = this.topicPartitions.get(name);
        return {
          errorCode: count === undefined ? 3 : 0,
          name,
          topicId: '00000000-0000-0000-0000-000000000000',
          isInternal: false,
          topicAuthorizedOperations: 0,
          partitions: Array.from({ length: count ?? 0 }, (_, p) => {
            const data = this.partition(name, p);
            return {
              errorCode: 0,
              partitionIndex: p,
              leaderId: data.leader,
              leaderEpoch: data.leaderEpoch,
              replicaNodes: [data.leader],
              isrNodes: [data.leader],
              offlineReplicas: [],
            };
          }),
        };
      }),
    };
  }

  private initProducerIdOn(
    pending: Set<Pending>,
    node: number,
    _request: InitProducerIdRequest,
  ): Promise<InitProducerIdResponse> {
    this.initLog.push(node);
    return this.delay(pending, node, () => {
      if (this.hungNodes.has(node)) return 'hang';
      const errorCode = this.initErrors.shift() ?? 0;
      return {
        throttleTimeMs: 0,
        errorCode,
        producerId: errorCode === 0 ? this.nextProducerId++ : -1n,
        producerEpoch: errorCode === 0 ? this.initEpoch : -1,
        ongoingTxnProducerId: -1n,
        ongoingTxnProducerEpoch: -1,
      };
    });
  }

  private produce(pending: Set<Pending>, node: number, request: ProduceRequest): Promise<ProduceResponse> {
    const faultIndex = this.produceFaults.findIndex((f) => f.node === undefined || f.node === node);
    let fault = faultIndex >= 0 ? this.produceFaults.splice(faultIndex, 1)[0]!.fault : null;
    let chaosErrors: ChaosDecision['errors'];
    if (this.chaos !== null) {
      const decision = this.chaos(
        node,
        request.topicData.flatMap((t) => t.partitionData.map((p) => ({ topic: t.name, partition: p.index }))),
      );
      fault ??= decision.fault ?? null;
      chaosErrors = decision.errors;
    }
    this.produceLog.push({
      node,
      batches: request.topicData.flatMap((t) =>
        t.partitionData.map((p) => {
          const b = decodeTestBatch(p.records!);
          return {
            topic: t.name,
            partition: p.index,
            producerId: b.producerId,
            epoch: b.epoch,
            baseSequence: b.baseSequence,
            count: b.count,
          };
        }),
      ),
    });
    const count = (this.outstanding.get(node) ?? 0) + 1;
    this.outstanding.set(node, count);
    this.maxOutstanding = Math.max(this.maxOutstanding, count);
    const done = <T>(p: Promise<T>): Promise<T> =>
      p.finally(() => this.outstanding.set(node, (this.outstanding.get(node) ?? 1) - 1));
    return done(
      this.delay(pending, node, () => {
        if (fault === 'hang') return 'hang';
        if (fault === 'dropRequest') return new Error('connection reset before the request was written');
        const response = this.handleProduce(node, request, chaosErrors);
        if (fault === 'dropResponse') return new Error('connection reset; response lost');
        if (fault === 'hangAfterAppend') return 'hang';
        return response;
      }),
    );
  }

  private handleProduce(
    node: number,
    request: ProduceRequest,
    chaosErrors?: ChaosDecision['errors'],
  ): ProduceResponse {
    return {
      throttleTimeMs: 0,
      nodeEndpoints: [],
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        topicId: topic.topicId,
        partitionResponses: topic.partitionData.map((p) =>
          this.handlePartition(
            node,
            topic.name,
            p.index,
            p.records!,
            chaosErrors?.get(`${topic.name}/${p.index}`),
          ),
        ),
      })),
    };
  }

  private handlePartition(
    node: number,
    topic: string,
    index: number,
    records: Uint8Array,
    chaosError?: { code: number; afterAppend: boolean },
  ): ProduceResponsePartitionProduceResponse {
    const data = this.partition(topic, index);
    const batch = decodeTestBatch(records);
    const answer = (
      errorCode: number,
      baseOffset = -1n,
      extra: Partial<ProduceResponsePartitionProduceResponse> = {},
    ) => ({
      index,
      errorCode,
      baseOffset,
      logAppendTimeMs: -1n,
      logStartOffset: errorCode === 6 ? -1n : data.logStartOffset,
      recordErrors: [],
      errorMessage: null,
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
      ...extra,
    });
    if (data.leader !== node) {
      return answer(6, -1n, { currentLeader: { leaderId: data.leader, leaderEpoch: data.leaderEpoch } });
    }
    if (chaosError !== undefined && !chaosError.afterAppend) return answer(chaosError.code);
    const rule = this.errorRules.find(
      (r) =>
        r.times > 0 &&
        r.topic === topic &&
        r.partition === index &&
        (r.sequence === undefined || r.sequence === batch.baseSequence),
    );
    if (rule !== undefined && !rule.afterAppend) {
      rule.times--;
      return answer(rule.code, -1n, {
        logStartOffset: rule.logStartOffset ?? data.logStartOffset,
        currentLeader: rule.currentLeader ?? { leaderId: -1, leaderEpoch: -1 },
      });
    }
    const result = this.append(data, batch);
    // As in Kafka, an error after the append only follows an append that happened (or a duplicate's answer).
    if (chaosError !== undefined && typeof result === 'bigint') return answer(chaosError.code);
    if (rule?.afterAppend && typeof result === 'bigint') {
      rule.times--;
      return answer(rule.code);
    }
    return typeof result === 'number' ? answer(result) : answer(0, result);
  }

  /** Kafka's decision table for one idempotent batch; returns the base offset or an error code. */
  private append(data: PartitionData, batch: ReturnType<typeof decodeTestBatch>): bigint | number {
    const lastSeq = incrementSequence(batch.baseSequence, batch.count - 1);
    if (batch.producerId >= 0n) {
      const entry = data.producers.get(batch.producerId);
      if (entry !== undefined && entry.epoch === batch.epoch) {
        const dup = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
        if (dup !== undefined) return dup.firstOffset;
      }
      if (entry !== undefined && batch.epoch < entry.epoch) return 47;
      if (entry === undefined) {
        if (this.rejectNonZeroOnEmpty && data.log.length === 0 && batch.baseSequence !== 0) return 45;
      } else if (batch.epoch > entry.epoch) {
        if (batch.baseSequence !== 0) return 45;
      } else {
        const last = entry.batches[entry.batches.length - 1]?.lastSeq ?? -1;
        if (batch.baseSequence !== incrementSequence(last, 1)) return 45;
      }
    }
    const firstOffset = BigInt(data.log.length) + data.logStartOffset;
    batch.records.forEach((r, i) => {
      data.log.push({
        offset: firstOffset + BigInt(i),
        key: r.key,
        value: r.value,
        producerId: batch.producerId,
        epoch: batch.epoch,
        sequence: batch.producerId >= 0n ? incrementSequence(batch.baseSequence, i) : -1,
      });
    });
    if (batch.producerId >= 0n) {
      const entry = data.producers.get(batch.producerId);
      const meta = { firstSeq: batch.baseSequence, lastSeq, firstOffset };
      if (entry === undefined || entry.epoch !== batch.epoch) {
        data.producers.set(batch.producerId, { epoch: batch.epoch, batches: [meta] });
      } else {
        entry.batches.push(meta);
        if (entry.batches.length > 5) entry.batches.shift();
      }
    }
    return firstOffset;
  }
}
