/**
 * The cluster's event log: every injected fault, and the few state changes a test needs to explain
 * an outcome (leader moves, restarts, expired producers). Tests read `cluster.events`.
 */

export type ClusterEventKind =
  | 'request-lost'
  | 'ack-lost'
  | 'response-delayed'
  | 'response-held'
  | 'response-released'
  | 'error-injected'
  | 'connection-reset'
  | 'leader-moved'
  | 'broker-restarted'
  | 'broker-up'
  | 'producer-id-not-ready'
  | 'profile-changed'
  | 'producers-expired'
  | 'unsupported'
  | 'topic-created'
  | 'topic-deleted'
  | 'partitions-added'
  | 'records-deleted'
  | 'group-deleted'
  | 'topic-config-changed'
  | 'topic-write-denied'
  | 'topic-write-allowed'
  | 'retry-refused'
  | 'authentication-failed'
  | 'broker-stopped'
  | 'broker-fenced'
  | 'metadata-stale'
  | 'broker-silent';

/** A batch that reached the log during a request whose response the client never saw. */
export interface AppendedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

/** One entry of the cluster's event log (`cluster.events`); which optional fields are set depends on `kind`. */
export interface ClusterEvent {
  /** Position in the log, from 1. */
  readonly seq: number;
  /** Clock time when it happened. */
  readonly time: number;
  readonly kind: ClusterEventKind;
  readonly nodeId?: number;
  readonly connectionId?: string;
  readonly api?: string;
  readonly topic?: string;
  readonly partition?: number;
  readonly errorCode?: number;
  /** For 'ack-lost': what the lost request appended (empty if it appended nothing). */
  readonly appended?: readonly AppendedBatch[];
  readonly producerIds?: readonly bigint[];
  /** For losses: what followed ('reset' or 'blackhole'); for restarts: the producer-state mode. */
  readonly detail?: string;
}

export type ClusterEventInput = Omit<ClusterEvent, 'seq' | 'time'>;

export class EventLog {
  private readonly list: ClusterEvent[] = [];
  private readonly listeners = new Set<(event: ClusterEvent) => void>();

  constructor(private readonly now: () => number) {}

  record(input: ClusterEventInput): ClusterEvent {
    const event: ClusterEvent = { seq: this.list.length + 1, time: this.now(), ...input };
    this.list.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get all(): readonly ClusterEvent[] {
    return this.list;
  }

  /** Calls `listener` for every later event; returns a function that stops it. */
  subscribe(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
