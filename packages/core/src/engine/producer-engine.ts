import { kafkaErrorByCode } from '@idem/codec';
import type { ProducerOptions } from '../config/options.js';
import { type ProducerConfig, resolveProducerConfig } from '../config/resolve.js';
import { ConfigError } from '../errors/config-error.js';
import type { AuthorizationError, FatalProducerError } from '../errors/fatal-errors.js';
import type { IdemError } from '../errors/idem-error.js';
import {
  BrokerRejectedError,
  type ConnectionFailedError,
  FlushTimeoutError,
  InvalidRecordError,
  ProducerClosedError,
} from '../errors/send-errors.js';
import { StickyPartitioner } from '../partitioner/sticky-partitioner.js';
import { defaultRandom } from '../ports/default-random.js';
import type { Clock, Random, Transport } from '../ports/transport.js';
import type {
  CloseOptions,
  FlushOptions,
  Producer,
  ProducerEventName,
  ProducerListener,
  ProducerRecord,
  ProducerState,
  ProducerStatus,
  RecordMetadata,
  SendSink,
} from '../producer/contract.js';
import { Accumulator } from './accumulator/accumulator.js';
import type { ProducerBatch } from './accumulator/partition-state.js';
import { type PartitionEntry, partitionKey } from './accumulator/partition-state.js';
import { abandonAll, failUnsent, sweepFatal } from './completion/shutdown.js';
import type { BatchCodec } from './dispatch/batch-codec.js';
import { recordBatchCodec } from './dispatch/record-batch-codec.js';
import { RequestDispatcher } from './dispatch/request-dispatcher.js';
import { nextBatch } from './drain/drain.js';
import type { EngineContext } from './engine-context.js';
import { EventHub } from './event-hub.js';
import { maybeBump } from './identity/epoch-bump.js';
import { ProducerIdManager } from './identity/producer-id-manager.js';
import { MetadataCache, type TopicMetadata } from './metadata/metadata-cache.js';
import { expireBatches } from './outcome/expiry.js';
import { RecordPlacement } from './placement/record-placement.js';
import type { PendingRecord } from './send/pending-record.js';
import { toPendingRecord } from './send/record-input.js';
import { SendCall } from './send/send-call.js';
import { UnsettledCalls } from './send/unsettled-calls.js';
import { snapshotState } from './state-snapshot.js';
import { WakeTimer } from './wake-timer.js';

export interface ProducerEngineOptions extends ProducerOptions {
  readonly transport: Transport;
  /** Required: the core reads time only through it (tests pass a virtual clock, adapters a real one). */
  readonly clock: Clock;
  readonly random?: Random;
  /** How batches are encoded; the default is @idem/codec's RecordBatch v2 encoder. */
  readonly codec?: BatchCodec;
  /**
   * Test seam: the sequence a partition starts at under its first producer id (default 0), so tests can reach
   * the wrap at 2^31-1 without sending two billion records. Brokers accept any first sequence from a producer
   * they do not know (KIP-360); later identities always start at 0.
   */
  readonly firstSequence?: (topic: string, partition: number) => number;
}

// send()'s promise without a closure per call: the shared executor runs synchronously inside `new Promise` and
// leaves its resolve/reject in these slots for submit (one allocation less per record on the hot path).
let capturedResolve: ((value: RecordMetadata | RecordMetadata[]) => void) | null = null;
let capturedReject: ((error: unknown) => void) | null = null;
function capturePromise(
  resolve: (value: RecordMetadata | RecordMetadata[]) => void,
  reject: (error: unknown) => void,
): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/**
 * The transport-agnostic idempotent producer: accumulates records, assigns sequences at drain, sends through the
 * Transport port and applies docs/design.md §"The decision table". Every adapter wraps one of these.
 */
export class ProducerEngine implements Producer {
  readonly config: ProducerConfig;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly events = new EventHub();
  private readonly ids: ProducerIdManager;
  private readonly metadata: MetadataCache;
  private readonly accumulator: Accumulator;
  private readonly sticky: StickyPartitioner;
  private readonly dispatcher: RequestDispatcher;
  private readonly ctx: EngineContext;
  private readonly wakeTimer: WakeTimer;
  private readonly placement: RecordPlacement;
  private readonly unsettled = new UnsettledCalls();
  private flushing = 0;
  private runQueued = false;
  private lastBumpAt = Number.NEGATIVE_INFINITY;
  private status: ProducerStatus = 'uninitialized';
  private statusSince: number;
  private fatalError: FatalProducerError | null = null;
  private closePromise: Promise<void> | null = null;

  constructor(options: ProducerEngineOptions) {
    const { transport, clock, random = defaultRandom, codec, firstSequence, ...producerOptions } = options;
    this.config = resolveProducerConfig(producerOptions);
    this.transport = transport;
    this.clock = clock;
    this.statusSince = clock.now();
    this.accumulator = new Accumulator(this.config.batchSize, this.config.lingerMs);
    this.sticky = new StickyPartitioner(random, this.config.batchSize);
    this.wakeTimer = new WakeTimer(clock, () => this.run());
    this.metadata = new MetadataCache(
      transport,
      clock,
      this.config.retryBackoffMs,
      this.config.metadataMaxAgeMs,
      this.config.requestTimeoutMs,
      {
        topicUpdated: (topic, metadata) => this.onTopicMetadata(topic, metadata),
        topicFailed: (topic, code) => this.onTopicFailed(topic, code),
        topicMayBeGone: (topic) => this.onTopicMayBeGone(topic),
        fetched: () => this.wake(),
        connectionFailed: (topics, error) => this.onConnectionFailed(topics, error),
      },
    );
    this.ids = new ProducerIdManager(
      transport,
      clock,
      random,
      this.config.requestTimeoutMs,
      this.config.retryBackoffMs,
      this.config.retryBackoffMaxMs,
      () => this.metadata.brokers,
      {
        ready: (identity) => {
          this.events.emit('producerId', { producerId: identity.producerId, epoch: identity.epoch });
          this.setStatus('ready');
          this.wake();
        },
        refused: (error) => this.onInitRefused(error),
        fatal: (error) => this.enterFatal(error),
      },
    );
    this.ctx = {
      config: this.config,
      clock,
      random,
      events: this.events,
      codec: codec ?? recordBatchCodec,
      ids: this.ids,
      fatal: (error) => this.enterFatal(error),
      releaseBytes: (bytes) => {
        this.placement.release(bytes);
        if (this.placement.waiting > 0) this.wake();
      },
      refreshMetadata: (topic) => this.metadata.refresh(topic),
      wake: () => this.wake(),
      firstSequence: firstSequence ?? null,
    };
    this.placement = new RecordPlacement(this.config, this.metadata, this.accumulator, this.sticky);
    this.dispatcher = new RequestDispatcher(this.ctx, transport, () => {
      if (this.fatalError !== null) sweepFatal(this.ctx, this.accumulator, this.placement, this.fatalError);
      this.wake();
    });
    if (!this.config.idempotent) this.status = 'ready';
  }

  // ---------------------------------------------------------------- public API

  send(record: ProducerRecord): Promise<RecordMetadata>;
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  send(input: ProducerRecord | readonly ProducerRecord[]): Promise<RecordMetadata | RecordMetadata[]> {
    const promise = new Promise<RecordMetadata | RecordMetadata[]>(capturePromise);
    this.submit(input, capturedResolve, capturedReject, null);
    return promise;
  }

  /**
   * send() without its promise, for adapters that turn the metadata into their own result: `resolve` gets what
   * send() would resolve with, `reject` what it would reject with, exactly once (a refused or invalid call is
   * rejected before sendWith returns). One promise per call instead of two — the adapter's own and send()'s — on
   * the hot path.
   */
  sendWith(
    record: ProducerRecord,
    resolve: (metadata: RecordMetadata) => void,
    reject: (error: unknown) => void,
  ): void;
  sendWith(
    records: readonly ProducerRecord[],
    resolve: (metadata: RecordMetadata[]) => void,
    reject: (error: unknown) => void,
  ): void;
  sendWith(
    input: ProducerRecord | readonly ProducerRecord[],
    resolve: ((metadata: RecordMetadata) => void) | ((metadata: RecordMetadata[]) => void),
    reject: (error: unknown) => void,
  ): void {
    this.submit(input, resolve as (value: RecordMetadata | RecordMetadata[]) => void, reject, null);
  }

  /**
   * sendWith() with one object for both outcomes: an adapter's per-call sink (a class instance holding what it
   * needs to build its own result) costs one allocation where closures cost several — per record, on the hot path.
   */
  sendTo(record: ProducerRecord, sink: SendSink<RecordMetadata>): void;
  sendTo(records: readonly ProducerRecord[], sink: SendSink<RecordMetadata[]>): void;
  sendTo(
    input: ProducerRecord | readonly ProducerRecord[],
    sink: SendSink<RecordMetadata> | SendSink<RecordMetadata[]>,
  ): void {
    this.submit(input, null, null, sink as SendSink<RecordMetadata | RecordMetadata[]>);
  }

  private submit(
    input: ProducerRecord | readonly ProducerRecord[],
    resolve: ((value: RecordMetadata | RecordMetadata[]) => void) | null,
    reject: ((error: unknown) => void) | null,
    sink: SendSink<RecordMetadata | RecordMetadata[]> | null,
  ): void {
    const isArray = Array.isArray(input);
    const list = (isArray ? input : [input]) as readonly ProducerRecord[];
    const refusal = this.refusal();
    if (refusal !== null) {
      if (sink !== null) sink.rejected(refusal);
      else reject!(refusal);
      return;
    }
    const now = this.clock.now();
    const call = new SendCall(list.length, isArray, resolve, reject, sink);
    const records: PendingRecord[] = [];
    let bytes = 0;
    try {
      for (let i = 0; i < list.length; i++) {
        const record = toPendingRecord(list[i]!, call, i, isArray, now);
        if (record.sizeBytes > this.config.maxRequestSize || record.sizeBytes > this.config.bufferMemory) {
          throw new InvalidRecordError(
            isArray ? `records[${i}]` : 'record',
            `about ${record.sizeBytes} bytes, more than maxRequestSize (${this.config.maxRequestSize}) or bufferMemory`,
          );
        }
        bytes += record.sizeBytes;
        records.push(record);
      }
    } catch (error) {
      if (sink !== null) sink.rejected(error);
      else reject!(error);
      return;
    }
    if (records.length === 0) return;
    this.unsettled.add(call);
    this.placement.enqueue(records, bytes, now);
    this.placement.pump(now);
    this.wake();
  }

  async flush(options: FlushOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new ConfigError('flush timeoutMs', timeoutMs, 'a finite number of milliseconds ≥ 0');
    }
    const pending = this.unsettled.list();
    if (pending.length === 0) return;
    this.flushing++;
    this.wake();
    let timer: unknown = null;
    try {
      const all = Promise.all(pending.map((call) => call.whenSettled()));
      if (timeoutMs === undefined) {
        await all;
        return;
      }
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = this.clock.setTimeout(() => resolve('timeout'), timeoutMs);
      });
      if ((await Promise.race([all, timedOut])) === 'timeout') {
        throw new FlushTimeoutError(timeoutMs, pending.filter((call) => !call.settled).length);
      }
    } finally {
      if (timer !== null) this.clock.clearTimeout(timer);
      this.flushing--;
    }
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    if (this.status !== 'fatal') this.setStatus('closing');
    this.closePromise = this.closeNow(options.timeoutMs);
    return this.closePromise;
  }

  get state(): ProducerState {
    return snapshotState(
      this.status,
      this.ids,
      this.config.idempotent,
      this.placement.partitions.values(),
      this.placement.bufferedBytes,
    );
  }

  on<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): () => void {
    return this.events.on(event, listener);
  }

  /** Removes `listener` from `event`; an unknown listener is ignored. */
  off<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): void {
    this.events.off(event, listener);
  }

  // ---------------------------------------------------------------- the loop

  private wake(): void {
    if (this.runQueued || this.status === 'closed') return;
    this.runQueued = true;
    // A microtask, not a timer: many sends in one tick become one pass, and the pass order is deterministic.
    queueMicrotask(() => {
      this.runQueued = false;
      this.run();
    });
  }

  private run(): void {
    if (this.status === 'closed' || this.fatalError !== null) return;
    const now = this.clock.now();
    let wakeAt = this.placement.pump(now);

    for (const entry of this.placement.active) wakeAt = Math.min(wakeAt, expireBatches(this.ctx, entry, now));
    if (this.fatalError !== null) return;

    if (this.config.idempotent) {
      if (this.ids.status === 'uninitialized' && this.hasWork()) {
        this.setStatus('initializing');
        this.ids.initialize();
      }
      if (this.ids.status !== 'ready') {
        this.scheduleWake(wakeAt);
        return;
      }
      wakeAt = Math.min(wakeAt, this.runBumps(now));
      if (this.ids.status !== 'ready') {
        this.scheduleWake(wakeAt);
        return;
      }
    }

    wakeAt = Math.min(wakeAt, this.drain(now));
    for (const entry of this.placement.active) {
      if (!entry.busy) this.placement.active.delete(entry);
    }
    this.scheduleWake(wakeAt);
  }

  private scheduleWake(at: number): void {
    if (at < Number.POSITIVE_INFINITY) this.wakeTimer.request(at);
  }

  private runBumps(now: number): number {
    let requested: PartitionEntry[] | null = null;
    for (const entry of this.placement.active) {
      if (!entry.bumpRequested) continue;
      requested ??= [];
      requested.push(entry);
    }
    if (requested === null) return Number.POSITIVE_INFINITY;
    // Repeated bumps without progress back off (docs/design.md §"Epoch bumps").
    const allowedAt = this.lastBumpAt + this.config.retryBackoffMs;
    if (now < allowedAt) return allowedAt;
    const before = this.ids.identity.generation;
    if (maybeBump(this.ctx, requested) && this.ids.identity.generation !== before) this.lastBumpAt = now;
    if (this.ids.status === 'initializing') this.setStatus('initializing');
    return Number.POSITIVE_INFINITY;
  }

  /** Builds and sends requests, per leader, while brokers have capacity; returns when to look again. */
  private drain(now: number): number {
    let wakeAt = Number.POSITIVE_INFINITY;
    const byNode = new Map<number, PartitionEntry[]>();
    const topicsSeen = new Set<string>();
    for (const entry of this.placement.active) {
      if (!topicsSeen.has(entry.topic)) {
        topicsSeen.add(entry.topic);
        // metadataMaxAgeMs: leaders can move without any error telling us; look again now and then.
        if (this.metadata.isStale(entry.topic)) this.metadata.refresh(entry.topic);
      }
      if (entry.leader < 0) {
        if (entry.queue.length > 0 || entry.inflight.length > 0) this.metadata.refresh(entry.topic);
        continue;
      }
      let list = byNode.get(entry.leader);
      if (list === undefined) {
        list = [];
        byNode.set(entry.leader, list);
      }
      list.push(entry);
    }
    const flushing = this.flushing > 0 || this.status === 'closing';
    for (const [node, entries] of byNode) {
      let capacity = this.dispatcher.capacity(node);
      while (capacity > 0) {
        const batches: ProducerBatch[] = [];
        let size = 0;
        for (const entry of entries) {
          if (batches.length > 0 && size + this.estimate(entry) > this.config.maxRequestSize) continue;
          const decision = nextBatch(this.ctx, this.accumulator, entry, node, now, flushing);
          if (decision.batch === null) {
            wakeAt = Math.min(wakeAt, decision.wakeAt);
            continue;
          }
          batches.push(decision.batch);
          size += decision.batch.bytes!.length;
        }
        if (batches.length === 0) break;
        this.dispatcher.send(node, batches);
        capacity--;
      }
      // Rotate so no partition always goes first into a size-limited request.
      if (entries.length > 1) entries.push(entries.shift()!);
    }
    return wakeAt;
  }

  private estimate(entry: PartitionEntry): number {
    for (const batch of entry.inflight)
      if (batch.status === 'live' && !batch.onWire) return batch.bytes!.length;
    return entry.queue[0]?.sizeBytes ?? 0;
  }

  private hasWork(): boolean {
    for (const entry of this.placement.active) if (entry.queue.length > 0) return true;
    return false;
  }

  // ---------------------------------------------------------------- metadata events

  /** Returns true while a partition's leader is suspected dead and metadata still names it (ask again). */
  private onTopicMetadata(topic: string, metadata: TopicMetadata): boolean {
    const now = this.clock.now();
    let askAgain = false;
    for (let p = 0; p < metadata.partitionCount; p++) {
      const entry = this.placement.partitions.get(partitionKey(topic, p));
      if (entry === undefined) continue;
      const leader = metadata.leaders[p] ?? -1;
      const epoch = metadata.leaderEpochs[p] ?? -1;
      entry.topicId = metadata.topicId;
      // A KIP-951 hint may already be newer than this response.
      if (epoch >= 0 && epoch < entry.leaderEpoch) continue;
      if (leader !== entry.leader) {
        entry.okSinceLeader = false;
        entry.leaderSuspect = false;
        // A new leader: retries go to it at once instead of sitting out a backoff earned at the old one (KIP-951).
        for (const batch of entry.inflight) if (batch.status === 'live' && !batch.onWire) batch.retryAt = now;
      } else if (entry.leaderSuspect && entry.busy) {
        askAgain = true;
      }
      entry.leader = leader;
      entry.leaderEpoch = epoch;
    }
    this.wake();
    return askAgain;
  }

  /**
   * The topic was deleted, or recreated under a new id: the broker's producer state for us there may be gone, so
   * neither a later acknowledgement nor an OUT_OF_ORDER there says anything about batches sent before
   * (docs/design.md §"The unknown-fate rule"). Marks every partition of it until an in-order acknowledgement.
   */
  private onTopicMayBeGone(topic: string): void {
    for (const entry of this.placement.partitions.values()) {
      if (entry.topic !== topic) continue;
      entry.markStateInDoubt();
      // A recreated topic's leader epochs start again from 0: what we knew of the old one must not mask them.
      entry.leaderEpoch = -1;
    }
  }

  private onTopicFailed(topic: string, code: number): void {
    const name = kafkaErrorByCode(code).name;
    // Sends still waiting for this topic cannot be placed; fail them and keep the rest in order.
    this.placement.failTopic(
      topic,
      new BrokerRejectedError(code, name, false, `metadata for topic ${topic}`),
    );
  }

  private onConnectionFailed(topics: readonly string[], error: ConnectionFailedError): void {
    this.events.emit('error', { error, fatal: false });
    for (const topic of topics) this.placement.failTopic(topic, error);
  }

  private onInitRefused(error: AuthorizationError | ConnectionFailedError): void {
    this.setStatus('uninitialized');
    this.events.emit('error', { error, fatal: false });
    for (const entry of this.placement.active) failUnsent(this.ctx, this.accumulator, entry, error);
  }

  // ---------------------------------------------------------------- fatal and close

  private refusal(): IdemError | null {
    if (this.fatalError !== null) return this.fatalError.forSend(false);
    if (this.closePromise !== null) return new ProducerClosedError();
    return null;
  }

  /** Sticky fatal state (docs/design.md §"Invariants"): fail what is not on the wire, let requests in flight finish. */
  private enterFatal(error: FatalProducerError): void {
    if (this.fatalError !== null) return;
    this.fatalError = error;
    this.setStatus('fatal');
    this.events.emit('error', { error, fatal: true });
    this.ids.close();
    this.wakeTimer.cancel();
    sweepFatal(this.ctx, this.accumulator, this.placement, error);
  }

  private async closeNow(timeoutMs: number | undefined): Promise<void> {
    this.flushing++;
    this.wake();
    const pending = this.unsettled.list().map((call) => call.whenSettled());
    let timer: unknown = null;
    const timedOut =
      timeoutMs === undefined
        ? null
        : new Promise<'timeout'>((resolve) => {
            timer = this.clock.setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
          });
    const all = Promise.all(pending);
    await (timedOut === null ? all : Promise.race([all, timedOut]));
    if (timer !== null) this.clock.clearTimeout(timer);
    // After a timeout this fails what is left; otherwise it only drops bookkeeping of batches already reported
    // (e.g. one given up by bounded delivery whose request is still out).
    abandonAll(this.ctx, this.accumulator, this.placement);
    this.flushing--;
    this.wakeTimer.cancel();
    this.metadata.close();
    this.ids.close();
    this.setStatus('closed');
    await this.transport.close();
  }

  private setStatus(status: ProducerStatus): void {
    if (this.status === status || this.status === 'closed') return;
    if (this.status === 'fatal' && status !== 'closed') return;
    if (this.status === 'closing' && status !== 'fatal' && status !== 'closed') return;
    const previous = this.status;
    this.status = status;
    this.statusSince = this.clock.now();
    this.events.emit('status', { status, previous });
  }

  /** Milliseconds in the current status (librdkafka's stateage). */
  get statusAgeMs(): number {
    return this.clock.now() - this.statusSince;
  }
}
