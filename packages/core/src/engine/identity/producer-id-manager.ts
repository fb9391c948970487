import type { InitProducerIdRequest, InitProducerIdResponse } from '@idem/codec';
import { isRetriable, KafkaErrorCode, kafkaErrorByCode } from '@idem/codec';
import { AuthorizationError, FatalProducerError } from '../../errors/fatal-errors.js';
import { ConnectionFailedError } from '../../errors/send-errors.js';
import { type Clock, fatalConnectionCause, type Random, type Transport } from '../../ports/transport.js';
import { NO_IDENTITY, type ProducerIdentity } from '../accumulator/partition-state.js';
import { backoffMs } from '../outcome/backoff.js';

/** The largest producer epoch (int16). A bump past it needs a new producer id (librdkafka #3720 wraps to 0). */
export const MAX_EPOCH = 32767;

export type IdentityStatus = 'uninitialized' | 'initializing' | 'ready';

export interface ProducerIdListener {
  ready(identity: ProducerIdentity, isNewProducerId: boolean): void;
  /**
   * CLUSTER_AUTHORIZATION_FAILED, or a connection no retry fixes (authentication, TLS): queued records fail, the
   * next send tries again (KAFKA-13668).
   */
  refused(error: AuthorizationError | ConnectionFailedError): void;
  fatal(error: FatalProducerError): void;
}

/**
 * The producer-wide identity (docs/design.md §"Invariants"): obtains a producer id with InitProducerId, bumps the epoch locally
 * (KIP-360), and asks for a new id when the epoch is exhausted. Retries go to a different broker each time when
 * the transport lets the core choose, so one hung broker cannot wedge initialisation (platformatic#317).
 */
export class ProducerIdManager {
  status: IdentityStatus = 'uninitialized';
  identity: ProducerIdentity = NO_IDENTITY;
  /** Local bumps since the last new producer id. */
  bumps = 0;
  private generation = 0;
  private attempt = 0;
  private nodeCursor = 0;
  private lastFailedNode = -1;
  private timer: unknown = null;
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly requestTimeoutMs: number,
    private readonly retryBackoffMs: number,
    private readonly retryBackoffMaxMs: number,
    private readonly brokers: () => readonly number[],
    private readonly listener: ProducerIdListener,
  ) {}

  /** Starts InitProducerId unless it is running or done. */
  initialize(): void {
    if (this.status !== 'uninitialized' || this.closed) return;
    this.status = 'initializing';
    this.attempt = 0;
    this.send();
  }

  /** Epoch + 1 without a request; false when the epoch is exhausted and a new producer id is needed instead. */
  bumpLocally(): boolean {
    if (this.status !== 'ready' || this.identity.epoch >= MAX_EPOCH) return false;
    this.bumps++;
    this.identity = Object.freeze({
      producerId: this.identity.producerId,
      epoch: this.identity.epoch + 1,
      generation: ++this.generation,
    });
    return true;
  }

  /** Forget the producer id (epoch exhaustion); the next `initialize()` asks for a new one. */
  reset(): void {
    if (this.status === 'initializing') return;
    this.status = 'uninitialized';
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private send(): void {
    if (this.closed) return;
    this.attempt++;
    const request: InitProducerIdRequest = {
      transactionalId: null,
      // Java sends Integer.MAX_VALUE; brokers ignore it without a transactional id.
      transactionTimeoutMs: 2_147_483_647,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    };
    const node = this.pickNode();
    const call =
      node !== undefined && this.transport.initProducerIdOn !== undefined
        ? this.transport.initProducerIdOn(node, request)
        : this.transport.initProducerId(request);
    let done = false;
    const timeout = this.clock.setTimeout(() => {
      if (done) return;
      done = true;
      // A broker that accepts the connection but never answers: drop it and go elsewhere. Without knowing which
      // broker the transport picked, drop them all: a silent connection blocks what is queued behind it.
      if (node !== undefined) this.transport.disconnect(node);
      else for (const broker of this.brokers()) this.transport.disconnect(broker);
      this.retry(node);
    }, this.requestTimeoutMs);
    call.then(
      (response) => {
        if (done) return;
        done = true;
        this.clock.clearTimeout(timeout);
        this.onResponse(response, node);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        this.clock.clearTimeout(timeout);
        const fatal = fatalConnectionCause(error);
        if (fatal !== null && !this.closed) {
          this.status = 'uninitialized';
          const detail = error instanceof Error ? error.message : String(error);
          this.listener.refused(new ConnectionFailedError(fatal, detail));
          return;
        }
        this.retry(node);
      },
    );
  }

  private pickNode(): number | undefined {
    if (this.transport.initProducerIdOn === undefined) return undefined;
    const brokers = this.brokers();
    if (brokers.length === 0) return undefined;
    for (let i = 0; i < brokers.length; i++) {
      const node = brokers[this.nodeCursor++ % brokers.length]!;
      if (node !== this.lastFailedNode || brokers.length === 1) return node;
    }
    return brokers[0];
  }

  private onResponse(response: InitProducerIdResponse, node: number | undefined): void {
    if (this.closed) return;
    const code = response.errorCode;
    if (code === KafkaErrorCode.NONE) {
      this.status = 'ready';
      this.bumps = 0;
      this.identity = Object.freeze({
        producerId: response.producerId,
        epoch: response.producerEpoch,
        generation: ++this.generation,
      });
      this.listener.ready(this.identity, true);
      return;
    }
    const info = kafkaErrorByCode(code);
    if (code === KafkaErrorCode.CLUSTER_AUTHORIZATION_FAILED) {
      this.status = 'uninitialized';
      this.listener.refused(new AuthorizationError(code, info.name));
      return;
    }
    if (isRetriable(code)) {
      this.retry(node);
      return;
    }
    this.status = 'uninitialized';
    this.listener.fatal(
      new FatalProducerError('initProducerId', `InitProducerId failed with ${info.name} (${code})`, {
        kafkaCode: code,
      }),
    );
  }

  private retry(node: number | undefined): void {
    if (this.closed) return;
    if (node !== undefined) this.lastFailedNode = node;
    const wait = backoffMs(this.attempt, this.retryBackoffMs, this.retryBackoffMaxMs, this.random);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.send();
    }, wait);
  }
}
