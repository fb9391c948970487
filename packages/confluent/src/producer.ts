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

interface Pending {
  readonly record: ProducerRecord;
  readonly topic: string;
  readonly partition: number;
  readonly bytes: number;
  readonly sentAt: number;
  readonly timestamp: number;
  /** Handed to librdkafka (produce() accepted it). */
  produced: boolean;
  settled: boolean;
  readonly settle: (result: RecordMetadata | IdemError) => void;
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
  private readonly pending = new Set<Pending>();
  /** One promise per unsettled send call, for flush() and close(). */
  private readonly sends = new Set<Promise<unknown>>();
  private readonly partitions = new Map<string, PartitionTrack>();
  private status: ProducerStatus = 'uninitialized';
  private connecting: Promise<void> | null = null;
  private connected = false;
  private fatal: FatalProducerError | null = null;
  private eos: LibrdkafkaEosState | null = null;
  private epochBumps = 0;
  private bufferedBytes = 0;
  private closing: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();

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
    const known = [...this.partitions.values()].filter((p) => p.partition >= 0);
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
    const many = Array.isArray(input);
    const records: readonly ProducerRecord[] = many ? input : [input as ProducerRecord];
    const promise = this.sendAll(records).then((results) => {
      const errors = results.filter((r): r is IdemError => isIdemError(r));
      if (!many) {
        const only = results[0];
        if (isIdemError(only)) throw only;
        return only as RecordMetadata;
      }
      if (errors.length > 0) throw new BatchSendError(results, errors);
      return results as RecordMetadata[];
    });
    const tracked = promise.then(
      () => undefined,
      () => undefined,
    );
    this.sends.add(tracked);
    void tracked.then(() => this.sends.delete(tracked));
    return promise;
  }

  private async sendAll(records: readonly ProducerRecord[]): Promise<(RecordMetadata | IdemError)[]> {
    if (this.closing !== null) return records.map(() => new ProducerClosedError());
    if (this.fatal !== null) return records.map(() => (this.fatal as FatalProducerError).forSend(false));
    const results: Promise<RecordMetadata | IdemError>[] = [];
    const prepared: (Pending | IdemError)[] = [];
    for (const record of records) {
      let resolveResult!: (r: RecordMetadata | IdemError) => void;
      results.push(new Promise((resolve) => (resolveResult = resolve)));
      const entry = this.prepare(record, resolveResult);
      if (isIdemError(entry)) resolveResult(entry);
      prepared.push(entry);
    }
    // One send call's records go to librdkafka after the previous call's, even when one waits for queue space.
    const turn = this.tail.then(async () => {
      if (!this.connected) {
        try {
          await this.connect();
        } catch (error) {
          for (const p of prepared) if (!isIdemError(p)) this.finish(p, error as IdemError);
        }
      }
      for (const p of prepared) if (!isIdemError(p) && !p.settled) await this.produceOne(p);
    });
    this.tail = turn.catch(() => {});
    await turn;
    return Promise.all(results);
  }

  private prepare(
    record: ProducerRecord,
    settle: (r: RecordMetadata | IdemError) => void,
  ): Pending | IdemError {
    if (record === null || typeof record !== 'object') return new InvalidRecordError('record', 'an object');
    if (typeof record.topic !== 'string' || record.topic.length === 0)
      return new InvalidRecordError('topic', 'a non-empty string');
    const partition = record.partition ?? -1;
    if (record.partition !== undefined && (!Number.isInteger(partition) || partition < 0))
      return new InvalidRecordError('partition', `${String(record.partition)}: a non-negative integer`);
    const timestamp = record.timestamp === undefined ? Date.now() : Number(record.timestamp);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0)
      return new InvalidRecordError('timestamp', `${String(record.timestamp)}: ms since the epoch`);
    const bytes = size(record.key) + size(record.value);
    const entry: Pending = {
      record,
      topic: record.topic,
      partition,
      bytes,
      sentAt: Date.now(),
      timestamp,
      produced: false,
      settled: false,
      settle,
    };
    this.pending.add(entry);
    this.bufferedBytes += bytes;
    return entry;
  }

  /** Hands one record to librdkafka, waiting up to maxBlockMs while its queue is full. */
  private async produceOne(p: Pending): Promise<void> {
    const { record } = p;
    const value = toBuffer(record.value);
    const key = toBuffer(record.key ?? null);
    const headers = toHeaders(record.headers);
    const deadline = Date.now() + this.config.maxBlockMs;
    for (;;) {
      // Settled meanwhile: close() gave up on it.
      if (p.settled) return;
      try {
        this.client.produce(p.topic, p.partition, value, key, p.timestamp, p, headers);
        p.produced = true;
        if (p.partition >= 0) this.track(p.topic, p.partition).queued++;
        return;
      } catch (error) {
        const err = error as NativeError;
        if (err.code === RD.QUEUE_FULL && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, QUEUE_FULL_WAIT_MS));
          continue;
        }
        const mapped =
          err.code === RD.QUEUE_FULL
            ? new SendTimeoutError('bufferFull', this.config.maxBlockMs, "space in librdkafka's queue")
            : typeof err.code === 'number'
              ? mapError(err, this.context(p, false))
              : new InvalidRecordError('record', String(err.message));
        this.finish(p, mapped);
        return;
      }
    }
  }

  private onDeliveryReport(err: NativeError | null, report: DeliveryReport): void {
    const p = report.opaque as Pending | undefined;
    if (p === undefined || typeof p !== 'object' || !this.pending.has(p)) return;
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
    const snapshot = [...this.sends];
    if (this.connected) this.client.flush(options.timeoutMs ?? this.config.deliveryTimeoutMs, () => {});
    if (snapshot.length === 0) return;
    const all = Promise.all(snapshot).then(() => undefined);
    if (options.timeoutMs === undefined) return all;
    const timeoutMs = options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const still = snapshot.filter((s) => this.sends.has(s)).length;
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
    const snapshot = [...this.sends];
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
    for (const p of [...this.pending])
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
    if (this.pending.delete(p)) this.bufferedBytes -= p.bytes;
    p.settle(result);
  }

  private track(topic: string, partition: number): PartitionTrack {
    const id = `${topic}\0${partition}`;
    let t = this.partitions.get(id);
    if (t === undefined) {
      t = { topic, partition, lastAckedOffset: -1n, queued: 0 };
      this.partitions.set(id, t);
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
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
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
