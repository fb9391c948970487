/**
 * The in-memory Kafka cluster: the public entry point. It owns the cluster state, the fault
 * machinery and the broker side of every connection, and serves requests given as objects
 * (`request`, `connect`) or as Kafka wire frames (`handleFrame`).
 */
import { type Clock, realClock } from '../clock.js';
import type { CreateTopicOptions, MemoryClusterOptions, TopicConfig } from '../config.js';
import {
  BrokerConnection,
  type ConnectionHost,
  type RequestEnvelope,
  type ServeOutcome,
} from '../connection/broker-connection.js';
import { type ConnectOptions, MemoryClient } from '../connection/client.js';
import {
  authenticationFailed,
  type BrokerConnectionError,
  connectionRefused,
  connectionReset,
} from '../connection/errors.js';
import type { ConnectionFilter, RestartOptions } from '../faults/control.js';
import { requestFacts } from '../faults/facts.js';
import { Faults } from '../faults/faults.js';
import type { ServedApi } from '../faults/match.js';
import { RequestPlan } from '../faults/plan.js';
import type { HandlerContext } from '../handlers/context.js';
import { dispatch, type RequestOf, type ResponseOf } from '../handlers/dispatch.js';
import { currentImage } from '../handlers/metadata.js';
import { isServedVersion, SERVED_VERSIONS } from '../handlers/versions.js';
import type { PartitionLog, StoredBatch } from '../partition/log.js';
import type { ProducerStateView } from '../partition/producer-state.js';
import type { BrokerProfile } from '../partition/profile.js';
import { type Random, seededRandom } from '../random.js';
import { serveFrame } from '../wire/frames.js';
import { moveLeader, resetConnections, restartBroker } from './admin.js';
import type { Broker } from './broker.js';
import { type StopBrokerOptions, stopBroker } from './broker-outage.js';
import { overridesOf } from './configs.js';
import type { AppendedBatch, ClusterEvent } from './events.js';
import { ClusterModel } from './model.js';

/** A partition's log as tests read it. */
export interface LogView {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly batches: readonly StoredBatch[];
}

/** One generation of a topic name: a topic deleted and created again is a new generation with a new id. */
export interface TopicGeneration {
  readonly topicId: string;
  readonly deleted: boolean;
  /** Clock time it was deleted; -1 while it exists. */
  readonly deletedAt: number;
  readonly partitions: number;
}

const EMPTY_PLAN = new RequestPlan();

function viewOf(log: PartitionLog, fromOffset?: number): LogView {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    highWatermark: log.highWatermark,
    batches: log.read(fromOffset),
  };
}

/**
 * An in-memory Kafka cluster of one or more brokers: create topics, inject faults through `faults`, serve requests
 * through `connect()` (idem core's Transport) or `handleFrame` (wire bytes), and read the logs and `events` back.
 */
export class MemoryCluster implements ConnectionHost {
  readonly clock: Clock;
  readonly random: Random;
  readonly faults: Faults;
  private readonly model: ClusterModel;
  private clients = 0;

  constructor(options: MemoryClusterOptions = {}) {
    this.clock = options.clock ?? realClock;
    const random = options.random;
    this.random =
      random === undefined
        ? seededRandom(options.seed ?? 1)
        : typeof random === 'function'
          ? random
          : () => random.next();
    this.model = new ClusterModel(options, this.clock, this.random);
    this.faults = new Faults({
      moveLeader: (topic, partition, to) => this.moveLeader(topic, partition, to),
      restartBroker: (nodeId, restart) => this.restartBroker(nodeId, restart),
      resetConnections: (filter, reason) => this.resetConnections(filter, reason),
      setProfile: (profile) => this.setProfile(profile),
      stopBroker: (nodeId, options) => stopBroker(this.model, nodeId, options),
      staleMetadata: (nodeId, forMs) => this.freezeMetadata(nodeId, forMs),
      recordSilence: (nodeId, forMs) =>
        this.model.events.record({ kind: 'broker-silent', nodeId, detail: `${forMs} ms` }),
      deleteTopic: (name) => this.model.deleteTopic(name) !== undefined,
      recreateTopic: (name, partitions, config) => this.model.createTopic(name, { partitions, config }),
      addPartitions: (name, total) => this.model.addPartitions(name, total),
      partitionCount: (name) => this.partitionCount(name),
      topicConfig: (name) => this.model.topic(name)?.config,
      alterTopicConfig: (name, patch) => this.alterTopicConfig(name, patch),
      setTopicWrite: (name, allowed) => this.setTopicWrite(name, allowed),
      now: () => this.clock.now(),
      later: (ms, fn) => {
        this.clock.setTimeout(fn, ms);
      },
      nodeIds: this.model.nodeIds,
      random: this.random,
    });
    for (const [name, topic] of Object.entries(options.topics ?? {})) this.model.createTopic(name, topic);
  }

  // ---- introspection ----

  /** Every injected fault and notable state change, oldest first. */
  get events(): readonly ClusterEvent[] {
    return this.model.events.all;
  }

  /** Calls `listener` for every later event; returns a function that stops it. */
  onEvent(listener: (event: ClusterEvent) => void): () => void {
    return this.model.events.subscribe(listener);
  }

  get nodeIds(): readonly number[] {
    return this.model.nodeIds;
  }

  get profile(): BrokerProfile {
    return this.model.profile;
  }

  get topicNames(): readonly string[] {
    return [...this.model.topics.keys()];
  }

  /** How many partitions the topic has; 0 if no such topic exists (a deleted topic included). */
  partitionCount(topic: string): number {
    return this.model.topic(topic)?.partitions.length ?? 0;
  }

  /** The node id of the partition's leader; throws a RangeError if there is no such partition. */
  leaderOf(topic: string, partition: number): number {
    return this.requirePartition(topic, partition).leaderId;
  }

  /** The producer state of a partition, as DescribeProducers would report it (plus the retained batches). */
  describeProducers(topic: string, partition: number): ProducerStateView[] {
    return this.requirePartition(topic, partition).producers.describe();
  }

  /** The partition's log from `fromOffset` (default: the log start). */
  readLog(topic: string, partition: number, fromOffset?: number): LogView {
    return viewOf(this.requirePartition(topic, partition).log, fromOffset);
  }

  // ---- administration ----

  /**
   * Creates a topic (default `defaultPartitions` partitions, leaders round-robin). Throws an Error for an invalid or
   * existing name or an unknown leader, a RangeError for a partition count that is not a positive integer.
   */
  createTopic(name: string, options: CreateTopicOptions = {}): void {
    this.model.createTopic(name, options);
  }

  /**
   * Kafka's DeleteTopics: Metadata stops naming the topic and Produce answers UNKNOWN_TOPIC_OR_PARTITION. What was
   * written to it stays readable through `topicGenerations` and `readGenerationLog`. Returns whether it existed.
   */
  deleteTopic(name: string): boolean {
    return this.model.deleteTopic(name) !== undefined;
  }

  /** Every topic ever named `name`, oldest first: deleted ones, then the live one if any. */
  topicGenerations(name: string): TopicGeneration[] {
    const all = [...this.model.deletedTopics.filter((t) => t.name === name)];
    const live = this.model.topic(name);
    if (live !== undefined) all.push(live);
    return all.map((t) => ({
      topicId: t.topicId,
      deleted: t.deletedAt >= 0,
      deletedAt: t.deletedAt,
      partitions: t.partitions.length,
    }));
  }

  /** A partition's log in one generation of a topic (deleted or live), by topic id. */
  readGenerationLog(topicId: string, partition: number): LogView {
    const topic =
      this.model.topicsById.get(topicId) ?? this.model.deletedTopics.find((t) => t.topicId === topicId);
    const p = topic?.partitions[partition];
    if (p === undefined) throw new RangeError(`no partition ${partition} of topic id ${topicId}`);
    return viewOf(p.log);
  }

  /** Kafka's CreatePartitions: grows the topic to `total` partitions; Metadata shows them at once. */
  addPartitions(topic: string, total: number): number {
    return this.model.addPartitions(topic, total);
  }

  /** Kafka's IncrementalAlterConfigs on a topic: the next append follows the new values (e.g. max.message.bytes). */
  alterTopicConfig(topic: string, patch: Partial<TopicConfig>): void {
    const t = this.model.topic(topic);
    if (t === undefined) throw new RangeError(`no topic '${topic}'`);
    t.config = { ...t.config, ...patch };
    for (const [name, value] of overridesOf(patch)) t.overrides.set(name, value);
    this.model.events.record({ kind: 'topic-config-changed', topic, detail: JSON.stringify(patch) });
  }

  /** Grants or removes the producers' Write ACL on a topic name; without it Produce answers TOPIC_AUTHORIZATION_FAILED. */
  setTopicWrite(topic: string, allowed: boolean): void {
    if (allowed === !this.model.writeDenied.has(topic)) return;
    if (allowed) this.model.writeDenied.delete(topic);
    else this.model.writeDenied.add(topic);
    this.model.events.record({ kind: allowed ? 'topic-write-allowed' : 'topic-write-denied', topic });
  }

  /** See Faults.stopBroker. */
  stopBroker(nodeId: number, options: StopBrokerOptions = {}): void {
    stopBroker(this.model, nodeId, options);
  }

  /** See Faults.staleMetadata. */
  freezeMetadata(nodeId: number, forMs: number): void {
    const broker = this.requireBroker(nodeId);
    const now = this.clock.now();
    broker.staleImage = currentImage(this.model, now, now + forMs);
    this.model.events.record({ kind: 'metadata-stale', nodeId, detail: `${forMs} ms` });
  }

  /**
   * @internal A client opens a connection to `nodeId` (the SASL handshake): null when accepted, else the
   * rejection the client must give its caller. Nothing is sent on a refused connection.
   */
  openConnection(nodeId: number, connectionId: string, clientId: string): BrokerConnectionError | null {
    const broker = this.model.broker(nodeId);
    if (broker === undefined) return null; // the request itself is rejected (unknown node)
    // A down broker refuses the TCP connection: no connection exists afterwards, so the next attempt, once the
    // broker is back, goes through the authentication handshake again.
    if (!broker.up) return connectionRefused(nodeId);
    if (!this.faults.auth.idle && this.faults.auth.refuses(nodeId, clientId, this.clock.now())) {
      this.model.events.record({ kind: 'authentication-failed', nodeId, connectionId, detail: clientId });
      return authenticationFailed(nodeId, clientId);
    }
    broker.clientOf.set(connectionId, clientId);
    return null;
  }

  /** Switches to another Kafka release's producer-state rules (see BrokerProfile), from the next Produce on. */
  setProfile(profile: BrokerProfile): void {
    if (profile === this.model.profile) return;
    this.model.profile = profile;
    this.model.events.record({ kind: 'profile-changed', detail: profile });
  }

  /** Runs producer expiry now (at clock time `now`), regardless of the check interval. */
  expireProducers(now: number = this.clock.now()): void {
    this.model.expireProducers(now);
  }

  /** Moves leadership of a partition (default: to the next broker); producer state stays. Returns the new leader. */
  moveLeader(topic: string, partition: number, toNodeId?: number): number {
    return moveLeader(this.model, topic, partition, toNodeId);
  }

  /** Restarts a broker: its connections reset, and the producer state of the partitions it leads follows `producerState`. */
  restartBroker(nodeId: number, options: RestartOptions = {}): void {
    restartBroker(this.model, nodeId, options);
  }

  /** Resets matching connections; requests in flight on them reject with ECONNRESET. Returns how many were reset. */
  resetConnections(filter: ConnectionFilter = {}, reason = 'reset', record = true): number {
    return resetConnections(this.model, filter, reason, record);
  }

  // ---- entry points ----

  /**
   * Sends one request, as an object, on connection `connectionId` to broker `nodeId`. Resolves with
   * the response, or null when Kafka sends none (acks=0). Rejects with ECONNRESET when the connection
   * is reset (outcome unknown) and ECONNREFUSED (notSent) when the broker is down.
   */
  request<A extends ServedApi>(
    nodeId: number,
    connectionId: string,
    api: A,
    request: RequestOf<A>,
    version: number = SERVED_VERSIONS[api].max,
  ): Promise<ResponseOf<A> | null> {
    return new Promise((resolve, reject) => {
      this.submit(nodeId, connectionId, {
        api,
        version,
        request,
        resolve: resolve as (response: unknown) => void,
        reject,
      });
    });
  }

  /**
   * Bytes in, bytes out: one Kafka request frame (with its 4-byte size prefix) received on
   * `connectionId` of broker `nodeId`. Resolves with the response frame, or null when Kafka sends
   * none; rejects when Kafka would close the connection (malformed frame, unsupported version, reset),
   * after which the caller should close its socket.
   */
  handleFrame(nodeId: number, connectionId: string | number, frame: Uint8Array): Promise<Buffer | null> {
    return serveFrame(
      frame,
      (api, version, request, encode, clientId) =>
        new Promise<Buffer | null>((resolve, reject) => {
          this.submit(nodeId, String(connectionId), {
            api,
            version,
            request,
            clientId: clientId ?? null,
            resolve: (response) => {
              // A response the codec cannot encode is the broker's bug; it closes this connection only.
              try {
                resolve(response === null ? null : encode(response));
              } catch (error) {
                reject(error);
              }
            },
            reject,
          });
        }),
      (reason) => this.resetConnections({ nodeId, connectionId: String(connectionId) }, reason, false),
    );
  }

  /** Whether connection `connectionId` to broker `nodeId` was reset or closed; it never serves again. */
  isConnectionClosed(nodeId: number, connectionId: string | number): boolean {
    return this.model.broker(nodeId)?.isClosed(String(connectionId)) ?? false;
  }

  /** The client side closed connection `connectionId` (e.g. its socket closed): requests in flight on it are dropped. */
  closeConnection(nodeId: number, connectionId: string | number): void {
    this.resetConnections({ nodeId, connectionId: String(connectionId) }, 'closed by client', false);
  }

  /**
   * Sets the address Metadata (and FindCoordinator, Produce/Fetch leader hints) advertise for broker
   * `nodeId`; the TCP server calls it once it knows the port it listens on.
   */
  setBrokerAddress(nodeId: number, host: string, port: number): void {
    const broker = this.requireBroker(nodeId);
    broker.host = host;
    broker.port = port;
  }

  /** A client whose methods match idem core's Transport port; one connection per broker. */
  connect(options: ConnectOptions = {}): MemoryClient {
    return new MemoryClient(this, ++this.clients, options);
  }

  // ---- ConnectionHost ----

  /** @internal */
  serve(connection: BrokerConnection, envelope: RequestEnvelope): ServeOutcome {
    const now = this.clock.now();
    this.model.tickExpiry(now);
    const broker = this.requireBroker(connection.nodeId);
    const plan = this.faults.idle
      ? EMPTY_PLAN
      : this.faults.plan(
          requestFacts(
            this.model,
            envelope.api,
            envelope.version,
            envelope.request,
            broker.nodeId,
            connection.id,
            broker.clientOf.get(connection.id) ?? null,
          ),
        );
    if (connection.closed) return { kind: 'lost', afterwards: 'reset' }; // a planned restart/reset took it down
    if (plan.loseRequest !== null) {
      this.recordLoss('request-lost', connection, envelope.api, plan, [], plan.loseRequest);
      return { kind: 'lost', afterwards: plan.loseRequest };
    }
    const ctx: HandlerContext = {
      cluster: this.model,
      broker,
      connectionId: connection.id,
      clientId: envelope.clientId ?? broker.clientOf.get(connection.id) ?? null,
      plan,
      now,
      appended: [],
    };
    const handled = dispatch(ctx, envelope.api, envelope.version, envelope.request);
    if (plan.loseResponse !== null) {
      this.recordLoss('ack-lost', connection, envelope.api, plan, ctx.appended, plan.loseResponse);
      return { kind: 'lost', afterwards: plan.loseResponse };
    }
    if (handled.kind === 'close') return { kind: 'close', reason: handled.reason };
    const response = handled.kind === 'none' ? null : handled.response;
    if (plan.delayMs > 0) {
      this.model.events.record({
        kind: 'response-delayed',
        nodeId: broker.nodeId,
        connectionId: connection.id,
        api: envelope.api,
        detail: `${plan.delayMs} ms`,
      });
    }
    if (plan.hold !== null) {
      this.model.events.record({
        kind: 'response-held',
        nodeId: broker.nodeId,
        connectionId: connection.id,
        api: envelope.api,
        detail: `hold ${plan.hold.id}`,
      });
    }
    if (handled.kind === 'deferred') {
      return { kind: 'deferred', response: handled.response, delayMs: plan.delayMs, hold: plan.hold };
    }
    return { kind: 'answer', response, delayMs: plan.delayMs, hold: plan.hold };
  }

  /** @internal */
  forget(connection: BrokerConnection): void {
    const broker = this.model.broker(connection.nodeId);
    if (broker?.connections.get(connection.id) === connection) broker.connections.delete(connection.id);
    broker?.markClosed(connection.id);
  }

  // ---- internals ----

  private submit(nodeId: number, connectionId: string, envelope: RequestEnvelope): void {
    const broker = this.model.broker(nodeId);
    if (broker === undefined) {
      envelope.reject(
        new RangeError(`no broker ${nodeId} in this cluster (nodes ${this.model.nodeIds.join(', ')})`),
      );
      return;
    }
    if (!broker.up) {
      envelope.reject(connectionRefused(nodeId));
      return;
    }
    if (broker.isClosed(connectionId)) {
      envelope.reject(connectionReset(nodeId, connectionId, 'written to a connection that was reset'));
      return;
    }
    const connection = this.connectionOf(broker, connectionId);
    if (!isServedVersion(envelope.api, envelope.version)) {
      // Kafka closes a connection that sends an API version it does not serve.
      connection.reset(`${envelope.api} v${envelope.version} is not served`);
      envelope.reject(
        connectionReset(nodeId, connectionId, `${envelope.api} v${envelope.version} is not served`),
      );
      return;
    }
    connection.submit(envelope);
  }

  private connectionOf(broker: Broker, connectionId: string): BrokerConnection {
    let connection = broker.connections.get(connectionId);
    if (connection === undefined) {
      connection = new BrokerConnection(this, broker.nodeId, connectionId);
      broker.connections.set(connectionId, connection);
    }
    return connection;
  }

  private recordLoss(
    kind: 'request-lost' | 'ack-lost',
    connection: BrokerConnection,
    api: ServedApi,
    plan: RequestPlan,
    appended: readonly AppendedBatch[],
    afterwards: string,
  ): void {
    this.model.events.record({
      kind,
      nodeId: connection.nodeId,
      connectionId: connection.id,
      api,
      appended,
      detail: plan.randomKinds.length > 0 ? `${afterwards} (random)` : afterwards,
    });
  }

  private requireBroker(nodeId: number): Broker {
    const broker = this.model.broker(nodeId);
    if (broker === undefined) throw new RangeError(`no broker ${nodeId}`);
    return broker;
  }

  private requirePartition(topic: string, partition: number) {
    const p = this.model.partition(topic, partition);
    if (p === undefined) throw new RangeError(`no partition ${topic}-${partition}`);
    return p;
  }
}
