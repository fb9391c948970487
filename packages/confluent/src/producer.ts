// librdkafka's idempotent producer (the binding's native Producer, delivery reports, background polling) behind
// idem's Producer contract. One delivery report per record, correlated through produce()'s opaque argument.
import {
  BatchSendError,
  type CloseOptions,
  FatalProducerError,
  type FlushOptions,
  FlushTimeoutError,
  type IdemError,
  InvalidRecordError,
  isIdemError,
  type PartitionState,
  type Producer,
  ProducerClosedError,
  type ProducerEventName,
  type ProducerEvents,
  type ProducerListener,
  type ProducerRecord,
  type ProducerState,
  type ProducerStatus,
  type RecordData,
  type RecordMetadata,
  SendTimeoutError,
} from '@idem/core';
import {
  type ConfluentProducerConfig,
  type ResolvedConfluentConfig,
  resolveConfluentConfig,
} from './config.js';
import { fatalReason, mapError, RD } from './errors.js';
import {
  type DeliveryReport,
  type NativeError,
  type NativeModule,
  type NativeProducer,
  requireNative,
} from './native.js';

/** librdkafka's idempotence state (statistics `eos.idemp_state`), e.g. 'Init', 'WaitPID', 'Assigned'. */
export type IdempotenceState = string;

/** What librdkafka's last statistics said about idempotence (its `eos` section). */
export interface LibrdkafkaEosState {
  readonly idempState: IdempotenceState;
  /** ms since the idempotence state last changed. */
  readonly idempStateAgeMs: number;
  readonly producerId: bigint;
  readonly epoch: number;
  /** Epoch bumps librdkafka counted (`epoch_cnt`). */
  readonly epochCount: number;
}

export interface ConfluentProducerState extends ProducerState {
  /** The `eos` section of librdkafka's last statistics, null before the first (every statisticsIntervalMs). */
  readonly librdkafka: LibrdkafkaEosState | null;
}

export interface ConfluentProducer extends Producer {
  readonly state: ConfluentProducerState;
  /** Resolves once librdkafka is connected (sends wait for it on their own). */
  connect(): Promise<void>;
  /** librdkafka's version, e.g. '2.12.0'. */
  readonly librdkafkaVersion: string;
}

/** A send call's completion, for flush() and close(): a single-record send's own record, or an array send. */
interface SendOp {
  readonly promise: Promise<unknown>;
  settled: boolean;
}

/** One record from prepare() until its delivery report (or failure); the send's completion for a single record. */
class Pending implements SendOp {
  /** Handed to librdkafka (produce() accepted it). */
  produced = false;
  settled = false;
  promise!: Promise<unknown>;
  resolve!: (metadata: RecordMetadata) => void;
  reject!: (error: IdemError) => void;
  /** The unsettled records, in send order (close() fails them). */
  prev: Pending | null = null;
  next: Pending | null = null;
  /** The records waiting their turn to go to librdkafka (connection, queue space). */
  waitNext: Pending | null = null;

  constructor(
    readonly record: ProducerRecord,
    readonly topic: string,
    readonly partition: number,
    readonly bytes: number,
    readonly sentAt: number,
    readonly timestamp: number,
    /** The array send this record is part of, null for a single-record send (then this is the send). */
    readonly batch: BatchSend | null,
    readonly index: number,
  ) {}

  complete(result: RecordMetadata | IdemError): void {
    if (this.batch !== null) {
      this.batch.complete(this.index, result);
      return;
    }
    if (isIdemError(result)) {
      this.reject(result);
      // Handled as before: a failed send nobody awaits is no unhandled rejection.
      this.promise.catch(noop);
    } else this.resolve(result);
  }
}

/** An array send: one result per record, in input order. */
class BatchSend implements SendOp {
  settled = false;
  errors = 0;
  remaining: number;
  promise!: Promise<unknown>;
  resolve!: (results: RecordMetadata[]) => void;
  reject!: (error: BatchSendError) => void;
  readonly results: (RecordMetadata | IdemError)[];

  constructor(size: number) {
    this.remaining = size;
    this.results = new Array(size);
  }

  complete(index: number, result: RecordMetadata | IdemError): void {
    this.results[index] = result;
    if (isIdemError(result)) this.errors++;
    if (--this.remaining > 0) return;
    this.settled = true;
    if (this.errors === 0) {
      this.resolve(this.results as RecordMetadata[]);
      return;
    }
    this.reject(
      new BatchSendError(
        this.results,
        this.results.filter((r): r is IdemError => isIdemError(r)),
      ),
    );
    this.promise.catch(noop);
  }
}

interface PartitionTrack {
  readonly topic: string;
  readonly partition: number;
  lastAckedOffset: bigint;
  queued: number;
}

type Listeners = { [E in ProducerEventName]?: Set<ProducerListener<E>> };

const QUEUE_FULL_WAIT_MS = 5;
/** librdkafka does not say which batches are in flight. */
const NO_BATCHES: readonly never[] = Object.freeze([]);

/** librdkafka's idempotent producer behind idem's `Producer` contract. Throws ConfigError on misconfiguration. */
export function confluentProducer(config: ConfluentProducerConfig): ConfluentProducer {
  const resolved = resolveConfluentConfig(config);
  const native = requireNative();
  return new ConfluentIdempotentProducer(native, resolved);
}

class ConfluentIdempotentProducer implements ConfluentProducer {
  readonly librdkafkaVersion: string;
  private readonly client: NativeProducer;
  private readonly listeners: Listeners = {};
  /** The unsettled records, in send order: a list through Pending.prev/next. */
  private pendingHead: Pending | null = null;
  private pendingTail: Pending | null = null;
  /** The records waiting for the connection or for queue space, in send order: a list through Pending.waitNext. */
  private waitHead: Pending | null = null;
  private waitTail: Pending | null = null;
  /** Until when the head of the waiting records may wait for queue space (-1: not waiting yet). */
  private waitDeadline = -1;
  private draining = false;
  /** Per topic, per partition; partitionList in the order they were first seen (the state's order). */
  private readonly partitions = new Map<string, PartitionTrack[]>();
  private readonly partitionList: PartitionTrack[] = [];
  private status: ProducerStatus = 'uninitialized';
  private connecting: Promise<void> | null = null;
  private connected = false;
  private fatal: FatalProducerError | null = null;
  private eos: LibrdkafkaEosState | null = null;
  private epochBumps = 0;
  private bufferedBytes = 0;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly module: NativeModule,
    private readonly config: ResolvedConfluentConfig,
  ) {
    this.librdkafkaVersion = module.librdkafkaVersion;
    // No topic config: the binding would build an empty one and make it librdkafka's default_topic_conf, which
    // drops every topic-level property given here (partitioner, acks, delivery.timeout.ms, request.timeout.ms).
    this.client = new module.Producer({ ...config.properties, dr_cb: true });
    this.client.on('delivery-report', (err, report) => this.onDeliveryReport(err, report));
    this.client.on('event.stats', (stats) => this.onStats(stats));
    this.client.on('event.error', (err) => this.onError(err));
    this.connect().catch(() => {
      // Reported to the sends waiting for it; the next send connects again.
    });
  }

  get state(): ConfluentProducerState {
    const eos = this.eos;
    const producerId = eos !== null && eos.idempState === 'Assigned' ? eos.producerId : -1n;
    const epoch = eos !== null && eos.idempState === 'Assigned' ? eos.epoch : -1;
    const known = this.partitionList;
    const partitions: PartitionState[] = known.map((p) =>
      Object.freeze({
        topic: p.topic,
        partition: p.partition,
        producerId,
        epoch,
        // librdkafka keeps its sequences to itself: not in statistics, not in the binding.
        nextSequence: -1,
        lastAckedSequence: -1,
        lastAckedOffset: p.lastAckedOffset,
        inFlight: NO_BATCHES,
        queuedRecords: p.queued,
        unresolved: false,
      }),
    );
    return Object.freeze({
      status: this.status,
      producerId,
      epoch,
      epochBumps: this.epochBumps,
      partitions: Object.freeze(partitions),
      bufferedBytes: this.bufferedBytes,
      librdkafka: eos === null ? null : Object.freeze({ ...eos }),
    });
  }

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.closing !== null) return Promise.reject(new ProducerClosedError());
    if (this.connecting === null) {
      this.setStatus('initializing');
      this.connecting = new Promise<void>((resolve, reject) => {
        this.client.connect({ timeout: this.config.maxBlockMs, allTopics: false }, (err) => {
          this.connecting = null;
          if (err) {
            reject(
              mapError(err, {
                module: this.module,
                topic: '',
                partition: -1,
                deliveryTimeoutMs: this.config.deliveryTimeoutMs,
                retries: this.config.retries,
                fatal: this.fatal,
                fromDeliveryReport: false,
              }),
            );
            return;
          }
          this.connected = true;
          this.client.setPollInBackground(true);
          if (this.closing !== null && this.status === 'closed') {
            // close() gave up waiting for this connection: release it now.
            this.client.disconnect(0, () => {});
            this.connected = false;
          }
          if (this.status === 'initializing') this.setStatus('ready');
          resolve();
        });
      });
    }
    return this.connecting;
  }

  send(record: ProducerRecord): Promise<RecordMetadata>;
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  send(input: ProducerRecord | readonly ProducerRecord[]): Promise<RecordMetadata | RecordMetadata[]> {
    if (Array.isArray(input)) return this.sendMany(input as readonly ProducerRecord[]);
    const record = input as ProducerRecord;
    if (this.closing !== null) return rejected(new ProducerClosedError());
    if (this.fatal !== null) return rejected(this.fatal.forSend(false));
    const p = this.prepare(record, null, 0);
    if (isIdemError(p)) return rejected(p);
    const promise = new Promise<RecordMetadata>((resolve, reject) => {
      p.resolve = resolve;
      p.reject = reject;
    });
    p.promise = promise;
    this.dispatch(p);
    return promise;
  }

  private sendMany(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const closedOrFatal =
      this.closing !== null
        ? () => new ProducerClosedError()
        : this.fatal !== null
          ? () => (this.fatal as FatalProducerError).forSend(false)
          : null;
    const batch = new BatchSend(records.length);
    batch.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      batch.resolve = resolve;
      batch.reject = reject;
    });
    if (records.length === 0) {
      batch.settled = true;
      batch.resolve([]);
      return batch.promise as Promise<RecordMetadata[]>;
    }
    const prepared: Pending[] = [];
    for (let i = 0; i < records.length; i++) {
      const entry =
        closedOrFatal !== null ? closedOrFatal() : this.prepare(records[i] as ProducerRecord, batch, i);
      if (isIdemError(entry)) batch.complete(i, entry);
      else prepared.push(entry);
    }
    // One send call's records go to librdkafka after the previous call's, even when one waits for queue space.
    for (const p of prepared) this.dispatch(p);
    return batch.promise as Promise<RecordMetadata[]>;
  }

  /** Hands the record to librdkafka now when nothing waits before it, else queues it behind what waits. */
  private dispatch(p: Pending): void {
    if (this.waitHead === null && this.connected) {
      if (this.tryProduce(p)) return;
      this.waitDeadline = Date.now() + this.config.maxBlockMs;
    }
    if (this.waitTail === null) this.waitHead = p;
    else this.waitTail.waitNext = p;
    this.waitTail = p;
    if (!this.draining) void this.drain();
  }

  /** Hands the waiting records to librdkafka in order, connecting first, waiting up to maxBlockMs for queue space each. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let p = this.waitHead; p !== null; p = this.waitHead) {
        if (!this.connected) {
          try {
            await this.connect();
          } catch (error) {
            // The send call at the head fails; the next one connects again.
            const op: SendOp = p.batch ?? p;
            while (this.waitHead !== null && (this.waitHead.batch ?? this.waitHead) === op)
              this.finish(this.shiftWaiting(), error as IdemError);
          }
          continue;
        }
        // Settled meanwhile: close() gave up on it.
        if (p.settled || this.tryProduce(p)) {
          this.shiftWaiting();
          continue;
        }
        if (this.waitDeadline < 0) this.waitDeadline = Date.now() + this.config.maxBlockMs;
        if (Date.now() >= this.waitDeadline) {
          this.shiftWaiting();
          this.finish(
            p,
            new SendTimeoutError('bufferFull', this.config.maxBlockMs, "space in librdkafka's queue"),
          );
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_WAIT_MS));
      }
    } finally {
      this.draining = false;
    }
  }

  private shiftWaiting(): Pending {
    const p = this.waitHead as Pending;
    this.waitHead = p.waitNext;
    if (this.waitHead === null) this.waitTail = null;
    p.waitNext = null;
    this.waitDeadline = -1;
    return p;
  }

  private prepare(record: ProducerRecord, batch: BatchSend | null, index: number): Pending | IdemError {
    if (record === null || typeof record !== 'object') return new InvalidRecordError('record', 'an object');
    if (typeof record.topic !== 'string' || record.topic.length === 0)
      return new InvalidRecordError('topic', 'a non-empty string');
    const partition = record.partition ?? -1;
    if (record.partition !== undefined && (!Number.isInteger(partition) || partition < 0))
      return new InvalidRecordError('partition', `${String(record.partition)}: a non-negative integer`);
    const now = Date.now();
    const timestamp = record.timestamp === undefined ? now : Number(record.timestamp);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0)
      return new InvalidRecordError('timestamp', `${String(record.timestamp)}: ms since the epoch`);
    const bytes = size(record.key) + size(record.value);
    const entry = new Pending(record, record.topic, partition, bytes, now, timestamp, batch, index);
    // Appended to the unsettled records.
    const last = this.pendingTail;
    if (last === null) this.pendingHead = entry;
    else {
      last.next = entry;
      entry.prev = last;
    }
    this.pendingTail = entry;
    this.bufferedBytes += bytes;
    return entry;
  }

  /** Hands one record to librdkafka: false when its queue is full (the record waits), true otherwise. */
  private tryProduce(p: Pending): boolean {
    const { record } = p;
    try {
      this.client.produce(
        p.topic,
        p.partition,
        toBuffer(record.value),
        toBuffer(record.key ?? null),
        p.timestamp,
        p,
        record.headers === undefined ? undefined : toHeaders(record.headers),
      );
    } catch (error) {
      const err = error as NativeError;
      if (err.code === RD.QUEUE_FULL) return false;
      this.finish(
        p,
        typeof err.code === 'number'
          ? mapError(err, this.context(p, false))
          : new InvalidRecordError('record', String(err.message)),
      );
      return true;
    }
    p.produced = true;
    if (p.partition >= 0) this.track(p.topic, p.partition).queued++;
    return true;
  }

  private onDeliveryReport(err: NativeError | null, report: DeliveryReport): void {
    const p = report.opaque;
    if (!(p instanceof Pending) || p.settled) return;
    const track = this.track(report.topic ?? p.topic, report.partition);
    if (p.partition >= 0) track.queued = Math.max(0, track.queued - 1);
    if (err) {
      this.finish(p, mapError(err, this.context(p, true, report.partition)));
      return;
    }
    const offset = BigInt(report.offset);
    if (offset > track.lastAckedOffset) track.lastAckedOffset = offset;
    const metadata: RecordMetadata = {
      topic: report.topic,
      partition: report.partition,
      offset,
      timestamp: BigInt(report.timestamp ?? p.timestamp),
    };
    this.finish(p, metadata);
    if (this.listeners.ack !== undefined && this.listeners.ack.size > 0)
      this.emit('ack', {
        topic: report.topic,
        partition: report.partition,
        records: 1,
        baseOffset: offset,
        latencyMs: Date.now() - p.sentAt,
      });
  }

  private onStats(stats: { message: string }): void {
    let parsed: { eos?: Record<string, unknown> };
    try {
      parsed = JSON.parse(stats.message) as typeof parsed;
    } catch {
      return;
    }
    const e = parsed.eos;
    if (e === undefined) return;
    const next: LibrdkafkaEosState = {
      idempState: String(e.idemp_state ?? 'Init'),
      idempStateAgeMs: Number(e.idemp_stateage ?? 0),
      producerId: BigInt(Number(e.producer_id ?? -1)),
      epoch: Number(e.producer_epoch ?? -1),
      epochCount: Number(e.epoch_cnt ?? 0),
    };
    const previous = this.eos;
    this.eos = next;
    if (next.idempState !== 'Assigned' || next.producerId < 0n) return;
    if (previous === null || previous.producerId !== next.producerId) {
      this.emit('producerId', { producerId: next.producerId, epoch: next.epoch });
    } else if (previous.epoch !== next.epoch) {
      this.epochBumps++;
      // librdkafka bumps producer-wide and does not say which partitions renumbered.
      this.emit('epochBump', {
        producerId: next.producerId,
        epoch: next.epoch,
        previousEpoch: previous.epoch,
        partitions: [],
      });
    }
  }

  private onError(err: NativeError): void {
    const code = typeof err.code === 'number' ? err.code : -1;
    if (err.isFatal === true || code === RD.FATAL) {
      if (this.fatal === null) {
        this.fatal = new FatalProducerError(fatalReason(code), `librdkafka: ${err.message}`, {
          kafkaCode: code > 0 ? code : null,
          cause: err,
        });
        this.setStatus('fatal');
      }
      this.emit('error', { error: this.fatal, fatal: true });
      return;
    }
    this.emit('error', {
      error: mapError(err, {
        module: this.module,
        topic: '',
        partition: -1,
        deliveryTimeoutMs: this.config.deliveryTimeoutMs,
        retries: this.config.retries,
        fatal: this.fatal,
        fromDeliveryReport: false,
      }),
      fatal: false,
    });
  }

  async flush(options: FlushOptions = {}): Promise<void> {
    const snapshot = this.unsettledSends();
    if (this.connected) this.client.flush(options.timeoutMs ?? this.config.deliveryTimeoutMs, () => {});
    if (snapshot.length === 0) return;
    const all = Promise.all(snapshot.map(settledOf)).then(() => undefined);
    if (options.timeoutMs === undefined) return all;
    const timeoutMs = options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const still = snapshot.filter((s) => !s.settled).length;
        reject(new FlushTimeoutError(timeoutMs, still));
      }, timeoutMs);
    });
    try {
      await Promise.race([all, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.closing === null) this.closing = this.doClose(options.timeoutMs);
    return this.closing;
  }

  private async doClose(timeoutMs: number | undefined): Promise<void> {
    const previous = this.status;
    if (previous !== 'closed') this.setStatus('closing');
    const waitMs = timeoutMs ?? this.config.deliveryTimeoutMs + 5_000;
    const snapshot = this.unsettledSends().map(settledOf);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    if (this.connecting !== null) await Promise.race([this.connecting.catch(() => {}), expired]);
    if (this.connected) {
      this.client.flush(waitMs, () => {});
      await Promise.race([Promise.all(snapshot), expired]);
    }
    clearTimeout(timer);
    // What is still pending now failed by close: sent ones may be in the log.
    const unsettled: Pending[] = [];
    for (let p = this.pendingHead; p !== null; p = p.next) unsettled.push(p);
    for (const p of unsettled)
      this.finish(
        p,
        new ProducerClosedError(
          p.produced,
          p.produced
            ? `close() gave up after ${waitMs} ms with the record handed to librdkafka; it may be in the log`
            : 'the producer closed before the record was sent',
        ),
      );
    if (this.connected) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5_000);
        this.client.disconnect(0, () => {
          clearTimeout(t);
          resolve();
        });
      });
      this.connected = false;
    }
    this.setStatus('closed');
  }

  on<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): () => void {
    let set = this.listeners[event] as Set<ProducerListener<E>> | undefined;
    if (set === undefined) {
      set = new Set();
      (this.listeners as Record<string, unknown>)[event] = set;
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): void {
    (this.listeners[event] as Set<ProducerListener<E>> | undefined)?.delete(listener);
  }

  private emit<E extends ProducerEventName>(event: E, payload: ProducerEvents[E]): void {
    const set = this.listeners[event] as Set<ProducerListener<E>> | undefined;
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(payload);
      } catch {
        // Listeners must not throw; a throw is swallowed (contract).
      }
    }
  }

  private setStatus(status: ProducerStatus): void {
    const previous = this.status;
    if (previous === status || previous === 'closed') return;
    if (previous === 'fatal' && status !== 'closing' && status !== 'closed') return;
    this.status = status;
    this.emit('status', { status, previous });
  }

  private finish(p: Pending, result: RecordMetadata | IdemError): void {
    if (p.settled) return;
    p.settled = true;
    // Unlinked from the unsettled records.
    const { prev, next } = p;
    if (prev === null) this.pendingHead = next;
    else prev.next = next;
    if (next === null) this.pendingTail = prev;
    else next.prev = prev;
    p.prev = null;
    p.next = null;
    this.bufferedBytes -= p.bytes;
    p.complete(result);
  }

  /** The send calls not settled yet, in send order. */
  private unsettledSends(): SendOp[] {
    const ops: SendOp[] = [];
    let batches: Set<BatchSend> | null = null;
    for (let p = this.pendingHead; p !== null; p = p.next) {
      if (p.batch === null) ops.push(p);
      else {
        batches ??= new Set();
        if (!batches.has(p.batch)) {
          batches.add(p.batch);
          ops.push(p.batch);
        }
      }
    }
    return ops;
  }

  private track(topic: string, partition: number): PartitionTrack {
    // A partition librdkafka did not assign (an error report's -1) is not in the state.
    if (partition < 0) return { topic, partition, lastAckedOffset: -1n, queued: 0 };
    let byPartition = this.partitions.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.partitions.set(topic, byPartition);
    }
    let t = byPartition[partition];
    if (t === undefined) {
      t = { topic, partition, lastAckedOffset: -1n, queued: 0 };
      byPartition[partition] = t;
      this.partitionList.push(t);
    }
    return t;
  }

  private context(p: Pending, fromDeliveryReport: boolean, partition = p.partition) {
    return {
      module: this.module,
      topic: p.topic,
      partition,
      deliveryTimeoutMs: this.config.deliveryTimeoutMs,
      retries: this.config.retries,
      fatal: this.fatal,
      fromDeliveryReport,
    };
  }
}

function size(data: RecordData | null | undefined): number {
  if (data === null || data === undefined) return 0;
  if (typeof data === 'string') return Buffer.byteLength(data);
  // Not bytes (the record then fails with InvalidRecordError): nothing to count in bufferedBytes.
  return typeof data.byteLength === 'number' ? data.byteLength : 0;
}

function toBuffer(data: RecordData | null): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function toHeaders(headers: ProducerRecord['headers']): Record<string, Buffer>[] | undefined {
  if (headers === undefined) return undefined;
  if (Array.isArray(headers))
    return (headers as readonly { key: string; value: RecordData | null }[]).map((h) => ({
      [h.key]: toBuffer(h.value) ?? Buffer.alloc(0),
    }));
  return Object.entries(headers as Readonly<Record<string, RecordData>>).map(([k, v]) => ({
    [k]: toBuffer(v) ?? Buffer.alloc(0),
  }));
}

function noop(): void {}

function settledOf(op: SendOp): Promise<unknown> {
  return op.promise.then(noop, noop);
}

/** A send failed before it started; handled as before: nobody awaiting it is no unhandled rejection. */
function rejected(error: IdemError): Promise<never> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}
