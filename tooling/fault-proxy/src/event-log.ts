// Everything the proxy did to traffic, in order, so a test can assert that a fault really happened (and how often)
// and a failing run can be explained. Bounded: past `maxEvents` only the counters keep counting.

export type ProxyEventKind =
  // faults injected
  | 'ackLost'
  | 'cut'
  | 'delay'
  | 'blackhole'
  | 'blackholeEnd'
  // bookkeeping
  | 'connectionOpened'
  | 'connectionClosed'
  | 'connectionRefused'
  | 'listenerOpened'
  | 'addressesRewritten'
  // a Produce/Fetch response of a version whose layout the proxy does not know, forwarded unrewritten (once per
  // connection and version)
  | 'unknownVersion'
  | 'frameTooLarge'
  | 'malformedFrame'
  | 'unmatchedResponse'
  | 'upstreamError'
  | 'lifetimeExpired';

export interface ProxyEvent {
  /** Position in the log, from 1. */
  readonly seq: number;
  /** Milliseconds since the proxy started. */
  readonly atMs: number;
  readonly kind: ProxyEventKind;
  readonly connectionId?: number;
  /** The broker the connection goes to, or 'bootstrap'. */
  readonly nodeId?: number | 'bootstrap';
  readonly apiKey?: number;
  readonly apiVersion?: number;
  readonly correlationId?: number;
  /** The fault rule that caused the event. */
  readonly ruleId?: number;
  /** Requests of the connection still waiting for a response when it was cut. */
  readonly inFlight?: number;
  readonly detail?: string;
}

export type ProxyEventInput = Omit<ProxyEvent, 'seq' | 'atMs'>;

export class EventLog {
  private readonly log: ProxyEvent[] = [];
  private readonly counts = new Map<ProxyEventKind, number>();
  private seq = 0;
  private readonly startedAt = performance.now();

  constructor(private readonly maxEvents: number) {}

  record(event: ProxyEventInput): void {
    this.seq++;
    this.counts.set(event.kind, (this.counts.get(event.kind) ?? 0) + 1);
    if (this.log.length < this.maxEvents) {
      this.log.push({ seq: this.seq, atMs: Math.round(performance.now() - this.startedAt), ...event });
    }
  }

  get events(): readonly ProxyEvent[] {
    return this.log;
  }

  /** Events dropped from the log because it was full (they are still counted). */
  get dropped(): number {
    return this.seq - this.log.length;
  }

  count(kind: ProxyEventKind): number {
    return this.counts.get(kind) ?? 0;
  }

  counters(): Readonly<Partial<Record<ProxyEventKind, number>>> {
    return Object.fromEntries(this.counts);
  }
}
