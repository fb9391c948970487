import type { ProducerEventName, ProducerEvents, ProducerListener } from '../producer/contract.js';

/** Typed synchronous listeners. A throwing listener is isolated: it cannot break the producer's bookkeeping. */
export class EventHub {
  private readonly listeners = new Map<ProducerEventName, Set<(payload: never) => void>>();

  on<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => this.off(event, listener);
  }

  off<E extends ProducerEventName>(event: E, listener: ProducerListener<E>): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  /** Whether anyone listens; lets hot paths skip building payloads. */
  has(event: ProducerEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<E extends ProducerEventName>(event: E, payload: ProducerEvents[E]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as ProducerListener<E>)(payload);
      } catch {
        // A listener's bug must not corrupt sequence bookkeeping mid-update; it is the listener's to log.
      }
    }
  }
}
