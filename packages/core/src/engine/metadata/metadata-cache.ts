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
 * A Metadata request unanswered this long goes to another broker as well, and the first answer wins. A broker
 * answers Metadata from memory; one silent this long is stuck (a long GC pause, a half-open network path), and
 * waiting out the request timeout on it would stall every failover behind it (docs/design.md §"Failover").
 */
export const METADATA_HEDGE_MS = 500;

/** One refresh: the same request to one broker, then to others while none has answered (the hedge). */
interface FetchRound {
  readonly topics: readonly string[];
  readonly requested: Set<string>;
  /** Brokers asked in this round (undefined: the transport chose). */
  readonly asked: Set<number | undefined>;
  /** Requests of this round not yet answered, failed or timed out. */
  pending: number;
  /** The brokers of those requests the core chose, with when each was asked. */
  readonly silent: Map<number, number>;
  /** The round took an answer or gave up; later outcomes of its requests are ignored. */
  done: boolean;
  hedgeHandle: unknown;
  /** A failure no retry fixes, from one of its requests (reported if no other request answers). */
  fatal: { cause: FatalConnectionCause; error: unknown } | null;
}

/**
 * What the producer knows about topics and leaders, and the one outstanding refresh. Requests are coalesced
 * (every topic wanted so far goes in the next request), hedged to another broker after METADATA_HEDGE_MS, and
 * retried with a fixed backoff.
 */
export class MetadataCache {
  private readonly topics = new Map<string, TopicMetadata>();
  private readonly wanted = new Set<string>();
  private readonly stale = new Set<string>();
  private round: FetchRound | null = null;
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
    if (this.closed || this.round !== null || this.stale.size === 0 || this.retryHandle !== null) return;
    const wait = this.nextAllowedAt - this.clock.now();
    if (wait > 0) {
      this.retryHandle = this.clock.setTimeout(() => {
        this.retryHandle = null;
        this.maybeFetch();
      }, wait);
      return;
    }
    const round: FetchRound = {
      topics: [...this.wanted],
      requested: new Set(this.stale),
      asked: new Set(),
      pending: 0,
      silent: new Map(),
      done: false,
      hedgeHandle: null,
      fatal: null,
    };
    this.stale.clear();
    this.round = round;
    this.ask(round, this.pickNode(round.asked));
  }

  /** Sends the round's request to `node` (undefined: the transport's choice) and arms the hedge. */
  private ask(round: FetchRound, node: number | undefined): void {
    round.asked.add(node);
    round.pending++;
    if (node !== undefined) round.silent.set(node, this.clock.now());
    // A broker that never answers must not stall metadata forever: give up after the request timeout and drop
    // the connection, or every later request queued on it waits too.
    let settled = false;
    const timer = this.clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      if (node !== undefined) {
        round.silent.delete(node);
        this.transport.disconnect(node);
        this.lastFailedNode = node;
      } else for (const broker of this.brokers) this.transport.disconnect(broker);
      this.requestFailed(round, null);
    }, this.requestTimeoutMs);
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      this.clock.clearTimeout(timer);
      if (node !== undefined) round.silent.delete(node);
      fn();
    };
    const call =
      node !== undefined && this.transport.metadataOn !== undefined
        ? this.transport.metadataOn(node, round.topics)
        : this.transport.metadata(round.topics);
    call.then(
      (response) => settle(() => this.requestAnswered(round, response)),
      (error: unknown) =>
        settle(() => {
          if (node !== undefined) this.lastFailedNode = node;
          const cause = fatalConnectionCause(error);
          this.requestFailed(round, cause === null ? null : { cause, error });
        }),
    );
    // Hedging needs the core to choose the broker, and another broker to choose.
    if (node === undefined || round.hedgeHandle !== null) return;
    if (this.brokers.every((broker) => round.asked.has(broker))) return;
    round.hedgeHandle = this.clock.setTimeout(
      () => {
        round.hedgeHandle = null;
        const next = this.pickNode(round.asked);
        if (!round.done && !this.closed && next !== undefined) this.ask(round, next);
      },
      Math.min(METADATA_HEDGE_MS, this.requestTimeoutMs),
    );
  }

  private requestAnswered(round: FetchRound, response: MetadataResponse): void {
    round.pending--;
    if (round.done) return; // another broker answered first
    this.endRound(round);
    // A broker silent for the hedge delay while another one answered is not serving this connection: every later
    // request on it (a Produce to it as the new leader) would queue behind the unanswered one. Drop the connection
    // now; the next request to that broker opens a new one. One asked only just now is left to answer.
    const now = this.clock.now();
    for (const [node, askedAt] of round.silent) {
      if (now - askedAt < METADATA_HEDGE_MS) continue;
      this.transport.disconnect(node);
      this.lastFailedNode = node;
    }
    this.onResponse(response, round.requested);
  }

  private requestFailed(round: FetchRound, fatal: FetchRound['fatal']): void {
    round.pending--;
    if (round.done) return;
    if (fatal !== null) round.fatal = fatal;
    // Another broker asked in this round may still answer; the hedge goes on meanwhile.
    if (round.pending > 0) return;
    this.endRound(round);
    if (round.fatal !== null) this.onFatalConnection(round.requested, round.fatal.cause, round.fatal.error);
    else this.onFailure(round.requested);
  }

  private endRound(round: FetchRound): void {
    round.done = true;
    if (round.hedgeHandle !== null) this.clock.clearTimeout(round.hedgeHandle);
    round.hedgeHandle = null;
    this.round = null;
  }

  /**
   * A broker for the next request when the transport lets the core choose: rotate, skipping brokers already
   * asked in this round and, when another is left, the last one that failed. Undefined when the transport
   * chooses, or every broker was asked in this round.
   */
  private pickNode(asked: ReadonlySet<number | undefined>): number | undefined {
    if (this.transport.metadataOn === undefined || this.brokers.length === 0) return undefined;
    const fresh = this.brokers.filter((node) => !asked.has(node));
    if (fresh.length === 0) return undefined;
    const preferred = fresh.length > 1 ? fresh.filter((node) => node !== this.lastFailedNode) : fresh;
    return preferred[this.nodeCursor++ % preferred.length];
  }

  private onResponse(response: MetadataResponse, requested: Set<string>): void {
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
    this.nextAllowedAt = this.clock.now() + this.backoffMs;
    if (this.closed) return;
    for (const topic of requested) this.stale.add(topic);
    this.listener.fetched();
    this.maybeFetch();
  }

  private onFatalConnection(requested: Set<string>, cause: FatalConnectionCause, error: unknown): void {
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
    if (this.round !== null) this.endRound(this.round);
  }
}
