// kafkajs's producer instrumentation events (`producer.on('producer.connect', ...)`), fed from idem's own events.
import type { ProducerEvents as IdemProducerEvents } from '@idem/core';
import type { InstrumentationEvent, ProducerEvents } from 'kafkajs';

export const PRODUCER_EVENTS: ProducerEvents = Object.freeze({
  CONNECT: 'producer.connect',
  DISCONNECT: 'producer.disconnect',
  REQUEST: 'producer.network.request',
  REQUEST_TIMEOUT: 'producer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'producer.network.request_queue_size',
});

export type KafkajsProducerEventName = ProducerEvents[keyof ProducerEvents];
// biome-ignore lint/suspicious/noExplicitAny: kafkajs's own listener type carries `any` payloads.
export type InstrumentationListener = (event: InstrumentationEvent<any>) => void;

const NAMES = new Set<string>(Object.values(PRODUCER_EVENTS));

/** Listeners by kafkajs event name; emits kafkajs-shaped `{ id, type, timestamp, payload }` events. */
export class Instrumentation {
  private readonly listeners = new Map<string, Set<InstrumentationListener>>();
  private nextId = 0;

  constructor(private readonly clientId: string) {}

  on(eventName: string, listener: InstrumentationListener): () => void {
    // kafkajs throws for names it does not know; so do we, listing the ones it accepts.
    if (!NAMES.has(eventName)) {
      throw new TypeError(`Event name should be one of ${[...NAMES].join(', ')}, got ${String(eventName)}`);
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
        listener(event);
      } catch {
        // A throwing listener must not break the producer (kafkajs's emitter does the same).
      }
    }
  }

  wantsRequests(): boolean {
    return (this.listeners.get(PRODUCER_EVENTS.REQUEST)?.size ?? 0) > 0;
  }

  /** idem's per-request metrics hook as kafkajs's `producer.network.request`. */
  request(event: IdemProducerEvents['request']): void {
    const sentAt = Date.now() - event.latencyMs;
    this.emit(PRODUCER_EVENTS.REQUEST, {
      apiKey: 0,
      apiName: 'Produce',
      apiVersion: -1,
      broker: `node ${event.nodeId}`,
      clientId: this.clientId,
      correlationId: -1,
      createdAt: sentAt,
      sentAt,
      pendingDuration: 0,
      duration: event.latencyMs,
      size: event.bytes,
    });
  }
}
