// The drop-in producer: kafkajs's producer surface over idem's core. `kafka.producer(opts)` becomes
// `idempotentProducer(kafka, opts)`; sends, results, refusals, events and logs keep kafkajs's shapes.
import {
  ConnectionFailedError,
  fatalConnectionCause,
  type RecordMetadata as IdemRecordMetadata,
  type Producer,
  ProducerClosedError,
  ProducerEngine,
  type ProducerRecord,
  recordBatchCodecFor,
  type SendSink,
} from '@idem/core';
import type {
  Kafka,
  ProducerRecord as KafkajsProducerRecord,
  Logger,
  ProducerBatch,
  RecordMetadata,
} from 'kafkajs';
import { createKafkajsTransport, type KafkajsTransport } from '../transport/index.js';
import { UnsupportedFeatureError } from './errors.js';
import {
  Instrumentation,
  type InstrumentationListener,
  type KafkajsProducerEventName,
  PRODUCER_EVENTS,
} from './instrumentation.js';
import { LogStartOffsets } from './log-start-offsets.js';
import { logEngineEvents } from './logging.js';
import { toIdemRecord } from './messages.js';
import {
  checkSendAcks,
  checkSendCompression,
  checkSendTimeout,
  type IdempotentProducerConfig,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './options.js';
import { realClock } from './real-clock.js';
import { toKafkajsMetadata } from './record-metadata.js';

interface Session {
  readonly engine: ProducerEngine;
  readonly transport: KafkajsTransport;
  readonly stopListening: () => void;
}

/** kafkajs's connection states, as its producer refuses sends in them. */
type ConnectionStatus = 'disconnected' | 'connected' | 'disconnecting';

/** Options of IdempotentKafkajsProducer.disconnect (kafkajs's own disconnect takes none). */
export interface DisconnectOptions {
  /** Longest to wait for pending sends; default the producer's `idem.disconnectTimeoutMs` (10000). */
  readonly timeoutMs?: number;
}

/** After the send bound passed, the connections get this long to close before disconnect() returns anyway. */
const TRANSPORT_CLOSE_GRACE_MS = 1_000;

// The one-message send's promise without a closure per call: the executor is one shared function that hands its
// resolve/reject over through these two slots (it runs synchronously inside `new Promise`), and a SingleSend
// carries them to the core's sink. The open loop's profile (issue 11): closures were most of the adapter's cost.
let capturedResolve: ((value: RecordMetadata[]) => void) | null = null;
let capturedReject: ((error: unknown) => void) | null = null;
function capturePromise(resolve: (value: RecordMetadata[]) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** One single-message send waiting in the core: turns its RecordMetadata into kafkajs's, or passes the error on. */
class SingleSend implements SendSink<IdemRecordMetadata> {
  constructor(
    private readonly resolve: (value: RecordMetadata[]) => void,
    private readonly reject: (error: unknown) => void,
    /** The CreateTime sent; a different timestamp back is the broker's LogAppendTime. */
    private readonly sent: number,
    private readonly logStartOffsets: LogStartOffsets,
  ) {}

  resolved(result: IdemRecordMetadata): void {
    this.resolve([
      {
        topicName: result.topic,
        partition: result.partition,
        errorCode: 0,
        baseOffset: result.offset.toString(),
        logAppendTime: Number(result.timestamp) === this.sent ? '-1' : result.timestamp.toString(),
        logStartOffset: this.logStartOffsets.text(result.topic, result.partition),
      },
    ]);
  }

  rejected(error: unknown): void {
    this.reject(error);
  }
}

/**
 * kafkajs's `Producer` shape backed by idem. A `send` resolves once every record of it is acknowledged, exactly
 * once and in order per partition; it rejects with an idem error (a `BatchSendError` whose `results[i]` belongs
 * to the i-th message, in `topicMessages` order for `sendBatch`).
 */
export class IdempotentKafkajsProducer {
  readonly events = PRODUCER_EVENTS;
  private readonly options: ResolvedAdapterOptions;
  private readonly instrumentation: Instrumentation;
  private readonly log: Logger;
  private readonly logStartOffsets = new LogStartOffsets();
  /** The current engine; after disconnect() the closed one, until connect() builds the next. */
  private session: Session;
  private status: ConnectionStatus = 'disconnected';
  private closing: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    config: IdempotentProducerConfig = {},
  ) {
    this.options = resolveAdapterOptions(config, undefined);
    // kafkajs's producer logs under the 'Producer' namespace of the Kafka's logger.
    this.log = kafka.logger().namespace('Producer');
    for (const warning of this.options.warnings) this.log.warn(warning);
    this.instrumentation = new Instrumentation(this.options.producer.clientId ?? 'idem', this.log, (nodeId) =>
      this.logStartOffsets.brokerAddress(nodeId),
    );
    // Building the engine validates every option now, so a conflicting one fails at construction.
    this.session = this.newSession();
  }

  /**
   * idem's own `Producer` contract (state snapshot, idem events, array sends with per-record metadata). It never
   * builds a producer: after `disconnect()` it is the closed one (its sends refused with ProducerClosedError)
   * until `connect()` builds a new one (new producer id), as with kafkajs.
   */
  get producer(): Producer {
    return this.session.engine;
  }

  /**
   * Connects kafkajs's cluster and checks that a broker answers. A failure no retry can fix (wrong SASL password,
   * principal refused, TLS) rejects with a ConnectionFailedError naming it, as sends then do.
   */
  async connect(): Promise<void> {
    await this.closing;
    if (this.session.engine.state.status === 'closed' || this.session.engine.state.status === 'closing')
      this.session = this.newSession();
    try {
      await this.session.transport.metadata([]);
    } catch (error) {
      const cause = fatalConnectionCause(error);
      if (cause === null) throw error;
      throw new ConnectionFailedError(cause, error instanceof Error ? error.message : String(error));
    }
    this.status = 'connected';
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  /**
   * Refuses new sends, waits for pending ones at most `timeoutMs` (default `idem.disconnectTimeoutMs`, 10000), fails
   * the rest with ProducerClosedError (`possiblyPersisted` when they were sent), then closes the connections. The
   * producer may `connect()` again.
   */
  async disconnect(options: DisconnectOptions = {}): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this.status === 'disconnected' && this.session.engine.state.status === 'closed') return;
    const timeoutMs = options.timeoutMs ?? this.options.disconnectTimeoutMs;
    const session = this.session;
    this.status = 'disconnecting';
    const closed = session.engine.close({ timeoutMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The engine's close also awaits kafkajs's socket close, which a blackholed broker can stall: bound it too.
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs + TRANSPORT_CLOSE_GRACE_MS);
      timer.unref?.();
    });
    this.closing = Promise.race([closed, bound]).finally(() => {
      clearTimeout(timer);
      session.stopListening();
      this.status = 'disconnected';
      this.closing = null;
      this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
    });
    return this.closing;
  }

  /**
   * kafkajs's `send({ topic, messages, acks?, timeout?, compression? })`: resolves once every message is
   * acknowledged, with one RecordMetadata per topic-partition written (baseOffset: the call's lowest offset
   * there). Never throws; rejects with a TypeError or InvalidRecordError for a malformed call, a ConfigError
   * for an `acks`, `timeout` or `compression` that differs from the producer's (records of many sends share
   * a batch), ProducerClosedError when not connected, else the idem error of the failed send.
   */
  send(record: KafkajsProducerRecord): Promise<RecordMetadata[]> {
    try {
      if (typeof record !== 'object' || record === null)
        throw new TypeError('send() takes { topic, messages }');
      const messages = record.messages;
      // The common shape, one message: no per-call arrays or maps on the way in, and one promise per call (not an
      // async function's and the engine's: the open loop's profile, issue 11).
      if (Array.isArray(messages) && messages.length === 1 && record.topic) {
        this.checkSend(record);
        const converted = toIdemRecord(record.topic, messages[0]!, Date.now(), 'messages[0]');
        this.checkConnected();
        const promise = new Promise<RecordMetadata[]>(capturePromise);
        this.session.engine.sendTo(
          converted,
          new SingleSend(
            capturedResolve!,
            capturedReject!,
            converted.timestamp as number,
            this.logStartOffsets,
          ),
        );
        return promise;
      }
      return this.sendRecords([{ topic: record.topic, messages }], record, 'messages');
    } catch (error) {
      // As the async function it replaces: a refused call rejects, it never throws.
      return Promise.reject(error);
    }
  }

  /**
   * kafkajs's `sendBatch({ topicMessages, ... })`: every message of every topic in one send, with the same
   * checks, results and rejections as send; a failure is a BatchSendError whose `results[i]` is the i-th
   * message in `topicMessages` order.
   */
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (typeof batch !== 'object' || batch === null)
      throw new TypeError('sendBatch() takes { topicMessages }');
    return this.sendRecords(batch.topicMessages ?? [], batch, null);
  }

  /**
   * Listens to a kafkajs instrumentation event; returns the function that removes the listener. Throws a
   * TypeError for a name kafkajs does not know, and UnsupportedFeatureError for
   * `producer.network.request_queue_size` (idem never queues requests for a connection).
   */
  on(eventName: KafkajsProducerEventName, listener: InstrumentationListener): () => void {
    return this.instrumentation.on(eventName, listener);
  }

  /** True unless idempotence was switched off with `idem: { idempotent: false }` (for measurements). */
  isIdempotent(): boolean {
    return this.session.engine.config.idempotent;
  }

  /** The Kafka's logger under the 'Producer' namespace, as kafkajs's producer.logger(). */
  logger(): Logger {
    return this.log;
  }

  /** kafkajs transactions are not part of idem: rejects with UnsupportedFeatureError (code ERR_UNSUPPORTED). */
  async transaction(): Promise<never> {
    throw new UnsupportedFeatureError(
      'transaction()',
      'use kafka.producer({ transactionalId }) for transactions',
    );
  }

  // ---- internals ----

  /** kafkajs checks the call first and the connection second; so do we, with idem's typed errors. */
  private checkSend(options: { acks?: number; timeout?: number; compression?: number }): void {
    const config = this.session.engine.config;
    checkSendAcks(options.acks, config.idempotent);
    checkSendCompression(options.compression, this.options.compression);
    checkSendTimeout(options.timeout, config.requestTimeoutMs);
  }

  /** kafkajs refuses sends before connect(), while disconnecting and after disconnect(). */
  private checkConnected(): void {
    if (this.status === 'connected') return;
    throw new ProducerClosedError(
      false,
      this.status === 'disconnecting'
        ? "The producer is disconnecting; therefore, it can't safely accept messages anymore"
        : 'The producer is disconnected; call connect() first',
    );
  }

  private async sendRecords(
    topicMessages: readonly { topic: string; messages: KafkajsProducerRecord['messages'] }[],
    options: { acks?: number; timeout?: number; compression?: number },
    field: string | null,
  ): Promise<RecordMetadata[]> {
    this.checkSend(options);
    const now = Date.now();
    const records: ProducerRecord[] = [];
    const timestamps: number[] = [];
    for (let t = 0; t < topicMessages.length; t++) {
      const entry = topicMessages[t];
      const prefix = field ?? `topicMessages[${t}].messages`;
      if (!entry?.topic)
        throw new TypeError(field === null ? `topicMessages[${t}].topic: Invalid topic` : 'Invalid topic');
      if (!Array.isArray(entry.messages)) throw new TypeError(`${prefix} must be an array`);
      for (let m = 0; m < entry.messages.length; m++) {
        const converted = toIdemRecord(entry.topic, entry.messages[m]!, now, `${prefix}[${m}]`);
        records.push(converted);
        timestamps.push(converted.timestamp as number);
      }
    }
    // The core never settles an empty array send; it resolves with no metadata (kafkajs: the same once connected).
    if (records.length === 0) return [];
    this.checkConnected();
    const results = await this.session.engine.send(records);
    return toKafkajsMetadata(results, timestamps, (topic, partition) =>
      this.logStartOffsets.text(topic, partition),
    );
  }

  private newSession(): Session {
    const transport = createKafkajsTransport(this.kafka, this.options.transport);
    const engine = new ProducerEngine({
      ...this.options.producer,
      transport: this.logStartOffsets.observe(transport),
      clock: realClock,
      ...(this.options.compression === 'none'
        ? {}
        : { codec: recordBatchCodecFor(this.options.compression) }),
    });
    const requestTimeoutMs = engine.config.requestTimeoutMs;
    const stopRequests = engine.on('request', (event) => {
      if (this.instrumentation.wantsRequests()) this.instrumentation.request(event, requestTimeoutMs);
    });
    const stopLogging = logEngineEvents(engine, this.log);
    return {
      engine,
      transport,
      stopListening: () => {
        stopRequests();
        stopLogging();
      },
    };
  }
}

/**
 * The one-line migration: `kafka.producer(options)` → `idempotentProducer(kafka, options)`. Options that would
 * weaken idempotence (acks ≠ -1, maxInFlightRequests > 5, retry.retries 0, idempotent: false, transactionalId)
 * throw idem's `ConfigError` here.
 */
export function idempotentProducer(
  kafka: Kafka,
  options?: IdempotentProducerConfig,
): IdempotentKafkajsProducer {
  return new IdempotentKafkajsProducer(kafka, options);
}
