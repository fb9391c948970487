/**
 * The broker's side of one client connection. Kafka reads the next request from a connection only
 * after it answered the previous one, so requests here are processed and answered strictly in
 * order; a delayed or held response keeps the connection busy. Reordering is therefore possible
 * only across connections.
 */
import type { Clock } from '../clock.js';
import type { ServedApi } from '../faults/match.js';
import type { AfterLoss, HoldGate } from '../faults/plan.js';
import { connectionReset } from './errors.js';

export interface RequestEnvelope {
  readonly api: ServedApi;
  readonly version: number;
  readonly request: unknown;
  /** The client id of the request header, for frames; the connection's client id is used otherwise. */
  readonly clientId?: string | null;
  /** `null` when Kafka sends no response (acks=0). */
  resolve(response: unknown): void;
  reject(error: Error): void;
}

export type ServeOutcome =
  | {
      readonly kind: 'answer';
      readonly response: unknown;
      readonly delayMs: number;
      readonly hold: HoldGate | null;
    }
  /** Answered once `response` settles (a long-polling Fetch, a JoinGroup waiting for the group). */
  | {
      readonly kind: 'deferred';
      readonly response: Promise<unknown>;
      readonly delayMs: number;
      readonly hold: HoldGate | null;
    }
  /** The request or its response was lost to a fault. */
  | { readonly kind: 'lost'; readonly afterwards: AfterLoss }
  /** Kafka closes the connection instead of answering (an acks=0 produce that failed). */
  | { readonly kind: 'close'; readonly reason: string };

export interface ConnectionHost {
  readonly clock: Clock;
  serve(connection: BrokerConnection, envelope: RequestEnvelope): ServeOutcome;
  forget(connection: BrokerConnection): void;
}

type State = 'open' | 'silent' | 'closed';

export class BrokerConnection {
  private readonly queue: RequestEnvelope[] = [];
  /** The request being answered (processed, response not yet delivered). */
  private current: RequestEnvelope | null = null;
  private timer: unknown;
  private state: State = 'open';

  constructor(
    private readonly host: ConnectionHost,
    readonly nodeId: number,
    readonly id: string,
  ) {}

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.queue.length + (this.current === null ? 0 : 1);
  }

  submit(envelope: RequestEnvelope): void {
    if (this.state === 'closed') {
      envelope.reject(connectionReset(this.nodeId, this.id, 'connection already closed'));
      return;
    }
    this.queue.push(envelope);
    this.pump();
  }

  /** Closes the connection: every request in flight on it rejects with ECONNRESET. */
  reset(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.timer !== undefined) this.host.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const victims = this.current === null ? this.queue.splice(0) : [this.current, ...this.queue.splice(0)];
    this.current = null;
    this.host.forget(this);
    const error = connectionReset(this.nodeId, this.id, reason);
    for (const victim of victims) victim.reject(error);
  }

  private pump(): void {
    while (this.state === 'open' && this.current === null && this.queue.length > 0) {
      const envelope = this.queue.shift()!;
      this.current = envelope;
      const outcome = this.host.serve(this, envelope);
      if (this.closed) return; // a fault reset this connection while serving; already rejected
      if (outcome.kind === 'lost') {
        if (outcome.afterwards === 'reset') this.reset('fault: lost');
        else this.state = 'silent'; // never answers again; the client must give up and disconnect
        return;
      }
      if (outcome.kind === 'close') {
        this.reset(outcome.reason);
        return;
      }
      if (outcome.kind === 'deferred') {
        this.answerWhenSettled(envelope, outcome.response, outcome.delayMs, outcome.hold);
        return;
      }
      if (outcome.delayMs > 0 || outcome.hold !== null) {
        this.answerLater(envelope, outcome.response, outcome.delayMs, outcome.hold);
        return;
      }
      this.current = null;
      envelope.resolve(outcome.response);
    }
  }

  /** The connection stays busy (later requests wait) until a deferred response settles. */
  private answerWhenSettled(
    envelope: RequestEnvelope,
    response: Promise<unknown>,
    delayMs: number,
    hold: HoldGate | null,
  ): void {
    response.then(
      (value) => {
        if (this.current === envelope && this.state === 'open')
          this.answerLater(envelope, value, delayMs, hold);
      },
      (error: unknown) => {
        if (this.current === envelope) this.reset(`request failed: ${(error as Error).message}`);
      },
    );
  }

  private answerLater(
    envelope: RequestEnvelope,
    response: unknown,
    delayMs: number,
    hold: HoldGate | null,
  ): void {
    const deliver = () => {
      if (this.current !== envelope || this.state !== 'open') return;
      this.current = null;
      envelope.resolve(response);
      this.pump();
    };
    const afterDelay = hold === null ? deliver : () => hold.park(deliver);
    if (delayMs > 0) {
      this.timer = this.host.clock.setTimeout(() => {
        this.timer = undefined;
        afterDelay();
      }, delayMs);
    } else {
      afterDelay();
    }
  }
}
