import type { IdemError } from '../errors/idem-error.js';

/** Key, value and header values: bytes, or a string sent as UTF-8. */
export type RecordData = Uint8Array | string;

/** One header in list form. Kafka allows repeated keys and a null value; a string value is sent as UTF-8. */
export interface RecordHeader {
  readonly key: string;
  readonly value: RecordData | null;
}

/** One record to produce. */
export interface ProducerRecord {
  readonly topic: string;
  /** Explicit partition. Without it a key picks one by Kafka's murmur2; without a key a sticky partition is used. */
  readonly partition?: number;
  readonly key?: RecordData | null;
  readonly value: RecordData | null;
  /** As an object (one value per name) or a list (repeated names allowed, order kept). */
  readonly headers?: Readonly<Record<string, RecordData>> | readonly RecordHeader[];
  /** CreateTime in ms since the epoch; default: the producer clock's now. */
  readonly timestamp?: number | bigint;
}

/** Where an acknowledged record was written. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset; -1n when an old broker acknowledged a duplicate without one (error 46). */
  readonly offset: bigint;
  /** CreateTime as sent, or the broker's LogAppendTime when the topic uses it. */
  readonly timestamp: bigint;
}

/**
 * Where a send's outcome goes when an adapter wants no promise from the core (ProducerEngine.sendTo): `resolved`
 * gets what send() would resolve with, `rejected` what it would reject with, exactly once.
 */
export interface SendSink<T> {
  /** The send succeeded: `value` is what send() would resolve with. */
  resolved(value: T): void;
  /** The send failed or was refused: `error` is what send() would reject with. */
  rejected(error: unknown): void;
}

/**
 * Where the producer is in its life. `uninitialized`: no producer id yet (none asked for until there is
 * something to send) or the last InitProducerId was refused. `initializing`: waiting for a producer id.
 * `ready`: has one (or idempotence is off). `fatal`: sticky; every send is refused until close. `closing`:
 * close() was called and pending sends are settling. `closed`: final. `status` events report each change.
 */
export type ProducerStatus = 'uninitialized' | 'initializing' | 'ready' | 'fatal' | 'closing' | 'closed';

/** One batch that has a sequence and is not yet complete. */
export interface InFlightBatchState {
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly producerId: bigint;
  readonly epoch: number;
  /** Attempts written to a connection so far. */
  readonly attempts: number;
  /** One attempt's outcome was never learned: the broker may hold this batch. */
  readonly possiblyPersisted: boolean;
  /**
   * 'sending': a request holds it; 'retrying': waiting to be resent; 'unknown': may be in the log, never resent, its
   * fate waits for a later batch's answer (docs/design.md §"The unknown-fate rule"); 'acked': waits for earlier
   * batches; 'failed': already reported.
   */
  readonly status: 'sending' | 'retrying' | 'unknown' | 'acked' | 'failed';
}

/** The sequence bookkeeping of one partition records were routed to; entries stay for the producer's life. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** The (producer id, epoch) the partition's sequences belong to; may lag the producer's after a bump. */
  readonly producerId: bigint;
  readonly epoch: number;
  /** The sequence the next fresh batch will get. */
  readonly nextSequence: number;
  /** Last sequence acknowledged in order, -1 when none under this epoch. */
  readonly lastAckedSequence: number;
  readonly lastAckedOffset: bigint;
  /** Batches in sequence (assignment) order. */
  readonly inFlight: readonly InFlightBatchState[];
  /** Records waiting in the accumulator for a sequence. */
  readonly queuedRecords: number;
  /** Whether a batch whose outcome is unknown is held or was given up, and later answers have not settled it yet. */
  readonly unresolved: boolean;
}

/** A read-only snapshot; every read of `producer.state` builds a fresh one. */
export interface ProducerState {
  readonly status: ProducerStatus;
  /** -1n before the first producer id. */
  readonly producerId: bigint;
  readonly epoch: number;
  /** Local epoch bumps since the last new producer id. */
  readonly epochBumps: number;
  readonly partitions: readonly PartitionState[];
  /** Bytes of records held (queued or in flight), counted against `bufferMemory`. */
  readonly bufferedBytes: number;
}

/** Events with their payloads. Listeners run synchronously and must not throw (a throw is swallowed). */
export interface ProducerEvents {
  /** A new producer id (first one, or after epoch exhaustion). */
  producerId: { readonly producerId: bigint; readonly epoch: number };
  /** Local epoch bump; only `partitions` renumber their in-flight batches. */
  epochBump: {
    readonly producerId: bigint;
    readonly epoch: number;
    readonly previousEpoch: number;
    readonly partitions: readonly { readonly topic: string; readonly partition: number }[];
  };
  /** The broker's log for a partition lacks data this producer had (truncation, lost state), or may. */
  dataLoss: {
    readonly topic: string;
    readonly partition: number;
    readonly reason: 'sequenceGap' | 'unknownProducerId' | 'orderingViolation';
    readonly kafkaCode: number;
    readonly detail: string;
  };
  /** A batch goes back to be sent again with the same identity. */
  retry: {
    readonly topic: string;
    readonly partition: number;
    readonly baseSequence: number;
    readonly attempt: number;
    readonly reason: string;
    readonly possiblyPersisted: boolean;
  };
  /** A batch reported to the user as possibly persisted was proven written after all (its offset, or -1n). */
  lateAck: {
    readonly topic: string;
    readonly partition: number;
    readonly baseSequence: number;
    readonly recordCount: number;
    readonly offset: bigint;
  };
  /** Something went wrong that the producer handled or could not: fatal errors and invariant breaches. */
  error: { readonly error: IdemError; readonly fatal: boolean };
  /** Metrics hook: one produce request answered (or failed). */
  request: {
    readonly nodeId: number;
    readonly batches: number;
    readonly records: number;
    readonly bytes: number;
    readonly latencyMs: number;
    readonly outcome: 'response' | 'unknown' | 'notSent';
  };
  /** Metrics hook: a send's records completed. */
  ack: {
    readonly topic: string;
    readonly partition: number;
    readonly records: number;
    readonly baseOffset: bigint;
    readonly latencyMs: number;
  };
  status: { readonly status: ProducerStatus; readonly previous: ProducerStatus };
}

/** The name of an event; see ProducerEvents for each payload. */
export type ProducerEventName = keyof ProducerEvents;
/** A listener for event `E`, called synchronously with its payload; a throw is swallowed. */
export type ProducerListener<E extends ProducerEventName> = (payload: ProducerEvents[E]) => void;

/** Options of Producer.flush. */
export interface FlushOptions {
  /** Longest to wait; then the promise rejects with `FlushTimeoutError` (the sends themselves go on). */
  readonly timeoutMs?: number;
}

/** Options of Producer.close. */
export interface CloseOptions {
  /**
   * Longest to wait for pending sends. Afterwards the rest fail with `ProducerClosedError` (possiblyPersisted
   * when they were sent). Default: wait until every send settled, which the delivery timeout bounds.
   */
  readonly timeoutMs?: number;
}

/** The producer every idem adapter implements (the core's own, @idem/kafkajs, @idem/confluent). */
export interface Producer {
  /** Resolves once the record is acknowledged; rejects with an `IdemError`. */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  /** Resolves with one metadata per record in input order; rejects with a `BatchSendError` if any failed. */
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  /**
   * Sends everything buffered now and resolves when every send made before the call has settled. Bounded by the
   * delivery timeout; with `timeoutMs` it rejects with a `FlushTimeoutError` once that much time has passed.
   */
  flush(options?: FlushOptions): Promise<void>;
  /** Refuses new sends, settles every pending one (see `CloseOptions`), releases the transport. Idempotent. */
  close(options?: CloseOptions): Promise<void>;
  readonly state: ProducerState;
  /** Subscribes; returns the function that unsubscribes. */
  on<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): () => void;
  /** Removes `listener` from `event`, as the function `on` returned does; an unknown one is ignored. */
  off<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): void;
}
