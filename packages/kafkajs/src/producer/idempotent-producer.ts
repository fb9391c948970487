// The drop-in producer: kafkajs's producer surface over idem's core. `kafka.producer(opts)` becomes
// `idempotentProducer(kafka, opts)`; sends, results and events keep kafkajs's shapes.
import {
  ConnectionFailedError,
  fatalConnectionCause,
  type Producer,
  ProducerEngine,
  type ProducerRecord,
  recordBatchCodecFor,
} from '@idem/core';
import type {
  Kafka,
  Logger,
  ProducerBatch,
  ProducerRecord as KafkajsProducerRecord,
  RecordMetadata,
} from 'kafkajs';
import { createKafkajsTransport, type KafkajsTransport } from '../transport/index.js';
import {
  Instrumentation,
  type InstrumentationListener,
  type KafkajsProducerEventName,
  PRODUCER_EVENTS,
} from './instrumentation.js';
import { toIdemRecord } from './messages.js';
import {
  checkSendAcks,
  checkSendCompression,
  type IdempotentProducerConfig,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './options.js';
import { realClock } from './real-clock.js';
import { toKafkajsMetadata } from './record-metadata.js';
import { LogStartOffsets } from './log-start-offsets.js';

interface Session {
  readonly engine: ProducerEngine;
  readonly transport: KafkajsTransport;
  readonly stopListening: () => void;
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
  private readonly logStartOffsets = new LogStartOffsets();
  private session: Session | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    config: IdempotentProducerConfig = {},
  ) {
    this.options = resolveAdapterOptions(config, undefined);
    this.instrumentation = new Instrumentation(this.options.producer.clientId ?? 'idem');
    // Building the engine validates every option now, so a conflicting one fails at construction.
    this.current();
  }

  /**
   * idem's own `Producer` contract (state snapshot, idem events, array sends with per-record metadata). After
   * `disconnect()` and a new `connect()` this is a new producer (new producer id), as with kafkajs.
   */
  get producer(): Producer {
    return this.current().engine;
  }

  /**
   * Connects kafkajs's cluster and checks that a broker answers. A failure no retry can fix (wrong SASL password,
   * principal refused, TLS) rejects with a ConnectionFailedError naming it, as sends then do.
   */
  async connect(): Promise<void> {
    await this.closing;
    try {
      await this.current().transport.metadata([]);
    } catch (error) {
      const cause = fatalConnectionCause(error);
      if (cause === null) throw error;
      throw new ConnectionFailedError(cause, error instanceof Error ? error.message : String(error));
    }
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  /** Waits for every pending send, then closes the connections. The producer may `connect()` again. */
  async disconnect(): Promise<void> {
    const session = this.session;
    if (session === null) return this.closing ?? undefined;
    this.session = null;
    this.closing = session.engine.close().finally(() => {
      session.stopListening();
      this.closing = null;
      this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
    });
    return this.closing;
  }

  async send(record: KafkajsProducerRecord): Promise<RecordMetadata[]> {
    if (typeof record !== 'object' || record === null)
      throw new TypeError('send() takes { topic, messages }');
    return this.sendRecords([{ topic: record.topic, messages: record.messages }], record);
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (typeof batch !== 'object' || batch === null)
      throw new TypeError('sendBatch() takes { topicMessages }');
    return this.sendRecords(batch.topicMessages ?? [], batch);
  }

  on(eventName: KafkajsProducerEventName, listener: InstrumentationListener): () => void {
    return this.instrumentation.on(eventName, listener);
  }

  isIdempotent(): boolean {
    return this.current().engine.config.idempotent;
  }

  logger(): Logger {
    return this.kafka.logger();
  }

  /** kafkajs transactions are not part of idem. */
  transaction(): never {
    throw new Error(
      '@idem/kafkajs does not support transactions; use kafka.producer({ transactionalId }) for them',
    );
  }

  // ---- internals ----

  private async sendRecords(
    topicMessages: readonly { topic: string; messages: KafkajsProducerRecord['messages'] }[],
    options: { acks?: number; timeout?: number; compression?: number },
  ): Promise<RecordMetadata[]> {
    if (this.closing !== null) await this.closing;
    const { engine } = this.current();
    checkSendAcks(options.acks, engine.config.idempotent);
    checkSendCompression(options.compression, this.options.compression);
    // `timeout` is kafkajs's broker-side produce timeout; idem uses its requestTimeoutMs for every request.
    const now = Date.now();
    const records: ProducerRecord[] = [];
    const timestamps: number[] = [];
    for (const [t, entry] of topicMessages.entries()) {
      if (!Array.isArray(entry?.messages))
        throw new TypeError(`topicMessages[${t}].messages must be an array`);
      for (const [m, message] of entry.messages.entries()) {
        const converted = toIdemRecord(entry.topic, message, now, `topicMessages[${t}].messages[${m}]`);
        records.push(converted);
        timestamps.push(converted.timestamp as number);
      }
    }
    // The core never settles an empty array send; kafkajs resolves it with no metadata.
    if (records.length === 0) return [];
    const results = await engine.send(records);
    return toKafkajsMetadata(results, timestamps, (topic, partition) =>
      this.logStartOffsets.get(topic, partition),
    );
  }

  private current(): Session {
    if (this.session !== null) return this.session;
    const transport = createKafkajsTransport(this.kafka, this.options.transport);
    const engine = new ProducerEngine({
      ...this.options.producer,
      transport: this.logStartOffsets.observe(transport),
      clock: realClock,
      ...(this.options.compression === 'none'
        ? {}
        : { codec: recordBatchCodecFor(this.options.compression) }),
    });
    const stopListening = engine.on('request', (event) => {
      if (this.instrumentation.wantsRequests()) this.instrumentation.request(event);
    });
    this.session = { engine, transport, stopListening };
    return this.session;
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
