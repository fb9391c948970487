// kafkajs's producer instrumentation events (`producer.on('producer.connect', ...)`), fed from idem's own events.
import type { ProducerEvents as IdemProducerEvents } from '@idem/core';
import type { InstrumentationEvent, Logger, ProducerEvents } from 'kafkajs';
import { UnsupportedFeatureError } from './errors.js';

export const PRODUCER_EVENTS: ProducerEvents = Object.freeze({
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
});

/** The kafkajs producer event names (`producer.connect`, `producer.network.request`, ...). */
export type KafkajsProducerEventName = ProducerEvents[keyof ProducerEvents];
/** A kafkajs listener, given `{ id, type, timestamp, payload }`; a throw or rejection is logged. */
// biome-ignore lint/suspicious/noExplicitAny: kafkajs's own listener type carries `any` payloads.
export type InstrumentationListener = (event: InstrumentationEvent<any>) => void;

/** A timer may fire a millisecond or two before Date.now() says its delay passed. */
const TIMER_SLACK_MS = 5;

const NAMES = new Set<string>(Object.values(PRODUCER_EVENTS));

/** Listeners by kafkajs event name; emits kafkajs-shaped `{ id, type, timestamp, payload }` events. */
export class Instrumentation {
  private readonly listeners = new Map<string, Set<InstrumentationListener>>();
  private nextId = 0;

  constructor(
    private readonly clientId: string,
    private readonly logger: Logger,
    /** `host:port` of a broker, as kafkajs names it in events; null until metadata named it. */
    private readonly brokerAddress: (nodeId: number) => string | null,
  ) {}

  on(eventName: string, listener: InstrumentationListener): () => void {
    // kafkajs throws for names it does not know; so do we, listing the ones it accepts.
    if (!NAMES.has(eventName)) {
      throw new TypeError(`Event name should be one of ${[...NAMES].join(', ')}, got ${String(eventName)}`);
    }
    if (eventName === PRODUCER_EVENTS.REQUEST_QUEUE_SIZE) {
      // Refused, not silently never emitted: idem keeps no queue of requests waiting for a connection.
      throw new UnsupportedFeatureError(
        `the ${eventName} event`,
        'idem builds a Produce request only when the broker has room (maxInFlightRequests), so no request ever waits in a queue; watch producer.producer.state.bufferedBytes for back-pressure',
      );
    }
    let set = this.listeners.get(eventName);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(eventName, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit(type: KafkajsProducerEventName, payload: unknown): void {
    const set = this.listeners.get(type);
    if (set === undefined || set.size === 0) return;
    const event = { id: String(this.nextId++), type, timestamp: Date.now(), payload };
    for (const listener of set) {
      try {
        const result: unknown = listener(event);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(type, error));
      } catch (error) {
        // A throwing listener must not break the producer; kafkajs logs it the same way.
        this.listenerFailed(type, error);
      }
    }
  }

  wantsRequests(): boolean {
    return (
      (this.listeners.get(PRODUCER_EVENTS.REQUEST)?.size ?? 0) > 0 ||
      (this.listeners.get(PRODUCER_EVENTS.REQUEST_TIMEOUT)?.size ?? 0) > 0
    );
  }

  /**
   * idem's per-request hook as kafkajs's `producer.network.request` (a Produce answered) or
   * `producer.network.request_timeout` (no answer within requestTimeoutMs). kafkajs's `apiVersion` and
   * `correlationId` are not known above the transport and are left out rather than faked.
   */
  request(event: IdemProducerEvents['request'], requestTimeoutMs: number): void {
    const sentAt = Date.now() - event.latencyMs;
    const common = {
      broker: this.brokerAddress(event.nodeId) ?? `node ${event.nodeId}`,
      clientId: this.clientId,
      createdAt: sentAt,
      sentAt,
      pendingDuration: 0,
      apiName: 'Produce',
      apiKey: 0,
    };
    if (event.outcome === 'response') {
      this.emit(PRODUCER_EVENTS.REQUEST, { ...common, duration: event.latencyMs, size: event.bytes });
    } else if (event.outcome === 'unknown' && event.latencyMs >= requestTimeoutMs - TIMER_SLACK_MS) {
      this.emit(PRODUCER_EVENTS.REQUEST_TIMEOUT, common);
    }
  }

  private listenerFailed(eventName: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(`Failed to execute listener: ${message}`, {
      eventName,
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
}
