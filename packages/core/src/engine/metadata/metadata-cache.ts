import type { MetadataResponse } from '@idem/codec';
import { isRetriable, KafkaErrorCode } from '@idem/codec';
import { ConnectionFailedError } from '../../errors/send-errors.js';
import {
  type Clock,
  type FatalConnectionCause,
  fatalConnectionCause,
  type Transport,
} from '../../ports/transport.js';

/** Metadata v10+ names a topic by id too; this all-zero id means "not given" (older brokers, older versions). */
export const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

export interface TopicMetadata {
  /** The topic's id, or NO_TOPIC_ID when the broker did not give one. A new id means the topic was recreated. */
  readonly topicId: string;
  readonly partitionCount: number;
  /** Leader node id per partition, -1 when the partition has none right now. */
  readonly leaders: readonly number[];
  readonly leaderEpochs: readonly number[];
  readonly fetchedAt: number;
}

export interface MetadataListener {
  /**
   * New partition metadata for a topic. Returns true when the answer does not settle what was asked (a partition's
   * leader is suspected dead and metadata still names it): the topic is asked for again after the backoff.
   */
  topicUpdated(topic: string, metadata: TopicMetadata): boolean;
  /** The broker refused a topic with an error retrying cannot fix (authorization, invalid name). */
  topicFailed(topic: string, errorCode: number): void;
  /**
   * The topic came back under a new topic id: the log our earlier batches went to may be gone, and with it the
   * broker's producer state for us (docs/design.md §"The unknown-fate rule").
   */
  topicMayBeGone(topic: string): void;
  /** A fetch finished (successfully or not); the producer re-runs its sender. */
  fetched(): void;
  /**
   * The request failed in a way no retry fixes (authentication, authorization, TLS): the sends waiting for these
   * topics fail now. The topics are not asked for again until a new send wants them.
   */
  connectionFailed(topics: readonly string[], error: ConnectionFailedError): void;
}

/**
 * What the producer knows about topics and leaders, and the one outstanding Metadata request. Requests are
 * coalesced (every topic wanted so far goes in the next request) and retried with a fixed backoff.
 */
export class MetadataCache {
  private readonly topics = new Map<string, TopicMetadata>();
  private readonly wanted = new Set<string>();
  private readonly stale = new Set<string>();
  private inFlight = false;
  private nextAllowedAt = 0;
  private retryHandle: unknown = null;
  private nodeCursor = 0;
  private lastFailedNode = -1;
  /** Grows whenever a topic's metadata is stored, so a waiting send need be looked at again only then. */
  version = 0;
  /** Node ids of the brokers in the last response. */
  brokers: readonly number[] = [];
  closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly backoffMs: number,
    private readonly maxAgeMs: number,
    private readonly requestTimeoutMs: number,
    private readonly listener: MetadataListener,
  ) {}

  get(topic: string): TopicMetadata | undefined {
    return this.topics.get(topic);
  }

  /** Whether `topic`'s metadata should be fetched again before it is trusted. */
  isStale(topic: string): boolean {
    const metadata = this.topics.get(topic);
    return (
      metadata === undefined ||
      this.stale.has(topic) ||
      this.clock.now() - metadata.fetchedAt >= this.maxAgeMs
    );
  }

  /** Asks for fresh metadata for `topic` (a new topic, a leader error, an expired entry). */
  refresh(topic: string): void {
    this.wanted.add(topic);
    this.stale.add(topic);
    this.maybeFetch();
  }

  private maybeFetch(): void {
    if (this.closed || this.inFlight || this.stale.size === 0 || this.retryHandle !== null) return;
    const wait = this.nextAllowedAt - this.clock.now();
    if (wait > 0) {
      this.retryHandle = this.clock.setTimeout(() => {
        this.retryHandle = null;
        this.maybeFetch();
      }, wait);
      return;
    }
    this.inFlight = true;
    const topics = [...this.wanted];
    const requested = new Set(this.stale);
    this.stale.clear();
    const node = this.pickNode();
    // A broker that never answers must not stall metadata forever: give up after the request timeout and drop
    // the connection, or every later request queued on it waits too.
    let done = false;
    const timer = this.clock.setTimeout(() => {
      if (done) return;
      done = true;
      if (node !== undefined) this.transport.disconnect(node);
      else for (const broker of this.brokers) this.transport.disconnect(broker);
      if (node !== undefined) this.lastFailedNode = node;
      this.onFailure(requested);
    }, this.requestTimeoutMs);
    const settle = (fn: () => void) => {
      if (done) return;
      done = true;
      this.clock.clearTimeout(timer);
      fn();
    };
    const call =
      node !== undefined && this.transport.metadataOn !== undefined
        ? this.transport.metadataOn(node, topics)
        : this.transport.metadata(topics);
    call.then(
      (response) => settle(() => this.onResponse(response, requested)),
      (error: unknown) =>
        settle(() => {
          if (node !== undefined) this.lastFailedNode = node;
          const fatal = fatalConnectionCause(error);
          if (fatal !== null) this.onFatalConnection(requested, fatal, error);
          else this.onFailure(requested);
        }),
    );
  }

  /** A broker for the next request when the transport lets the core choose: rotate, skipping the last failure. */
  private pickNode(): number | undefined {
    if (this.transport.metadataOn === undefined || this.brokers.length === 0) return undefined;
    for (let i = 0; i < this.brokers.length; i++) {
      const node = this.brokers[this.nodeCursor++ % this.brokers.length]!;
      if (node !== this.lastFailedNode || this.brokers.length === 1) return node;
    }
    return this.brokers[0];
  }

  private onResponse(response: MetadataResponse, requested: Set<string>): void {
    this.inFlight = false;
    this.nextAllowedAt = this.clock.now() + this.backoffMs;
    if (this.closed) return;
    this.brokers = response.brokers.map((b) => b.nodeId);
    const now = this.clock.now();
    const answered = new Set<string>();
    for (const topic of response.topics) {
      if (topic.name === null) continue;
      answered.add(topic.name);
      // Only a new topic id proves a recreation: a broker still catching up after a restart answers
      // UNKNOWN_TOPIC_OR_PARTITION for a topic that exists, and must not reset what we know of its leaders.
      const known = this.topics.get(topic.name);
      if (
        topic.errorCode === KafkaErrorCode.NONE &&
        known !== undefined &&
        known.topicId !== NO_TOPIC_ID &&
        topic.topicId !== NO_TOPIC_ID &&
        topic.topicId !== known.topicId
      )
        this.listener.topicMayBeGone(topic.name);
      if (topic.errorCode !== KafkaErrorCode.NONE) {
        if (isRetriable(topic.errorCode)) this.stale.add(topic.name);
        else this.listener.topicFailed(topic.name, topic.errorCode);
        continue;
      }
      const count = topic.partitions.reduce((max, p) => Math.max(max, p.partitionIndex + 1), 0);
      const leaders = new Array<number>(count).fill(-1);
      const epochs = new Array<number>(count).fill(-1);
      let leaderless = false;
      for (const p of topic.partitions) {
        const ok =
          p.errorCode === KafkaErrorCode.NONE || p.errorCode === KafkaErrorCode.REPLICA_NOT_AVAILABLE;
        leaders[p.partitionIndex] = ok ? p.leaderId : -1;
        epochs[p.partitionIndex] = p.leaderEpoch;
        if (!ok || p.leaderId < 0) leaderless = true;
      }
      if (count === 0) {
        this.stale.add(topic.name);
        continue;
      }
      if (leaderless) this.stale.add(topic.name);
      const metadata: TopicMetadata = {
        topicId: topic.topicId,
        partitionCount: count,
        leaders,
        leaderEpochs: epochs,
        fetchedAt: now,
      };
      this.topics.set(topic.name, metadata);
      this.version++;
      if (this.listener.topicUpdated(topic.name, metadata)) this.stale.add(topic.name);
    }
    for (const topic of requested) if (!answered.has(topic)) this.stale.add(topic);
    this.listener.fetched();
    this.maybeFetch();
  }

  private onFailure(requested: Set<string>): void {
    this.inFlight = false;
    this.nextAllowedAt = this.clock.now() + this.backoffMs;
    if (this.closed) return;
    for (const topic of requested) this.stale.add(topic);
    this.listener.fetched();
    this.maybeFetch();
  }

  private onFatalConnection(requested: Set<string>, cause: FatalConnectionCause, error: unknown): void {
    this.inFlight = false;
    this.nextAllowedAt = this.clock.now() + this.backoffMs;
    if (this.closed) return;
    // Asking again would fail the same way: forget the request; the next send that needs a topic asks anew.
    for (const topic of requested) this.wanted.delete(topic);
    const detail = error instanceof Error ? error.message : String(error);
    this.listener.connectionFailed([...requested], new ConnectionFailedError(cause, detail));
    this.listener.fetched();
    this.maybeFetch();
  }

  close(): void {
    this.closed = true;
    if (this.retryHandle !== null) this.clock.clearTimeout(this.retryHandle);
    this.retryHandle = null;
  }
}
