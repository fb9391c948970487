// idem's Transport port over kafkajs's own broker connections. Request bodies are encoded and responses decoded by
// @idem/codec; kafkajs only frames, authenticates, connects and reconnects (see kafkajs-internals.ts).
import {
  apis,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '@idem/codec';
import type { Transport } from '@idem/core';
import type { Kafka } from 'kafkajs';
import { decodeBody, encodeBody, pickVersion, type VersionLimits } from './api-versions.js';
import { fatalConnectionCauseOf } from './fatal-connection.js';
import {
  type BrokerHandle,
  type ClusterHandle,
  createClusterHandle,
  kafkajsInternalsProblems,
  type RawRequest,
} from './kafkajs-internals.js';
import { NodeLane } from './node-lane.js';
import { describeError, TransportError } from './transport-error.js';

/**
 * Options of createKafkajsTransport. Through idempotentProducer, the first two come from kafkajs's
 * `allowAutoTopicCreation` and `metadataMaxAge` and the others from `idem: { transport }`.
 */
export interface KafkajsTransportOptions {
  /** Whether Metadata requests may auto-create topics (when the broker allows it). Default true, like kafkajs. */
  readonly allowAutoTopicCreation?: boolean;
  /** How long kafkajs's own broker list stays fresh. Default 300000 ms, kafkajs's default. */
  readonly metadataMaxAgeMs?: number;
  /**
   * Allow flexible API versions (Produce v9+, Metadata v9+, InitProducerId v2+), carried in kafkajs's header v1
   * frames by a leading tagged-field byte. Default false: the highest non-flexible versions.
   */
  readonly flexibleVersions?: boolean;
  /** kafkajs rejects a Produce this long after its `timeoutMs` (and not before its own `requestTimeout`). Default 5000. */
  readonly requestTimeoutMarginMs?: number;
}

/** Highest versions the transport speaks: Produce v13 names topics by id, which idem's requests do not carry. */
const MAX_VERSIONS = { Produce: 12, Metadata: 13, InitProducerId: 6 } as const;

/** First versions whose throttleTimeMs asks the client to hold back (KIP-219). */
const CLIENT_THROTTLE_FROM = { Produce: 6, Metadata: 6, InitProducerId: 1 } as const;

/** A Transport for @idem/core over the connections of `kafka` (a `new Kafka({...})` from kafkajs 2.2.x). */
export function createKafkajsTransport(
  kafka: Kafka,
  options: KafkajsTransportOptions = {},
): KafkajsTransport {
  const problems = kafkajsInternalsProblems(kafka);
  if (problems.length > 0) {
    throw new Error(`@idem/kafkajs does not support this kafkajs version: ${problems.join('; ')}`);
  }
  return new KafkajsTransport(kafka, options);
}

/**
 * The core's Transport over the broker connections of a kafkajs `Kafka`: request bodies are encoded and
 * responses decoded by `@idem/codec`; kafkajs frames, authenticates and reconnects. Requests to one broker
 * leave in the order they were made, and when one fails unsent those queued behind it fail unsent too, so
 * the broker only ever sees a prefix. Rejections are TransportErrors (`notSent: true`: the request never
 * left). Build it with createKafkajsTransport, which first checks the kafkajs internals it relies on.
 */
export class KafkajsTransport implements Transport {
  private readonly cluster: ClusterHandle;
  private readonly lanes = new Map<number, NodeLane>();
  private readonly allowAutoTopicCreation: boolean;
  private readonly flexible: boolean;
  private readonly marginMs: number;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private initCursor = 0;
  private lastFailedInitNode: number | undefined;

  constructor(kafka: Kafka, options: KafkajsTransportOptions = {}) {
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? true;
    this.flexible = options.flexibleVersions ?? false;
    this.marginMs = options.requestTimeoutMarginMs ?? 5_000;
    this.cluster = createClusterHandle(kafka, {
      metadataMaxAgeMs: options.metadataMaxAgeMs ?? 300_000,
      allowAutoTopicCreation: this.allowAutoTopicCreation,
    });
  }

  async metadata(topics: readonly string[]): Promise<MetadataResponse> {
    const broker = await this.notSent('metadata', undefined, async () => {
      await this.connect();
      return this.resetIfRefused(undefined, () => this.cluster.anyBroker());
    });
    return this.metadataWith(broker, topics);
  }

  /** Metadata from broker `nodeId`: the core picks the broker, and hedges to another one when it is silent. */
  async metadataOn(nodeId: number, topics: readonly string[]): Promise<MetadataResponse> {
    const broker = await this.notSent('metadata', nodeId, async () => {
      await this.connect();
      return this.broker(nodeId);
    });
    return this.metadataWith(broker, topics);
  }

  private async metadataWith(broker: BrokerHandle, topics: readonly string[]): Promise<MetadataResponse> {
    const version = this.version('metadata', broker, 'Metadata');
    const response = await this.call('metadata', broker, {
      apiKey: apis.Metadata.apiKey,
      apiVersion: version,
      apiName: 'Metadata',
      body: encodeBody(apis.Metadata, version, {
        topics: topics.map((name) => ({ name })),
        allowAutoTopicCreation: this.allowAutoTopicCreation,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
      decode: (payload) => decodeBody(apis.Metadata, version, payload),
      throttle: (decoded) => (version >= CLIENT_THROTTLE_FROM.Metadata ? decoded.throttleTimeMs : 0),
    });
    await this.syncBrokers(response);
    return response;
  }

  async initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    await this.notSent('initProducerId', undefined, () => this.connect());
    const nodes = [...this.cluster.knownBrokers().keys()].sort((a, b) => a - b);
    if (nodes.length === 0) return this.initProducerIdWith(await this.cluster.anyBroker(), request);
    // Round-robin, never straight back to the broker that failed last (a hung broker must not wedge us).
    let node = nodes[this.initCursor++ % nodes.length] as number;
    if (node === this.lastFailedInitNode && nodes.length > 1)
      node = nodes[this.initCursor++ % nodes.length] as number;
    return this.initProducerIdOn(node, request);
  }

  async initProducerIdOn(nodeId: number, request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    try {
      const broker = await this.notSent('initProducerId', nodeId, async () => {
        await this.connect();
        return this.broker(nodeId);
      });
      return await this.initProducerIdWith(broker, request);
    } catch (error) {
      this.lastFailedInitNode = nodeId;
      throw error;
    }
  }

  produce(nodeId: number, request: ProduceRequest): Promise<ProduceResponse> {
    if (this.closed) return Promise.reject(this.closedError(nodeId));
    return this.lane(nodeId).enqueue(async (encoded) => {
      await this.connect();
      const broker = await this.broker(nodeId);
      const version = this.version('produce', broker, 'Produce');
      const body = encodeBody(apis.Produce, version, request);
      const response = await broker.send<ProduceResponse>({
        apiKey: apis.Produce.apiKey,
        apiVersion: version,
        apiName: 'Produce',
        body,
        expectResponse: request.acks !== 0,
        requestTimeoutMs: request.timeoutMs + this.marginMs,
        decode: (payload) => decodeBody(apis.Produce, version, payload),
        throttleMs: (decoded) => (version >= CLIENT_THROTTLE_FROM.Produce ? decoded.throttleTimeMs : 0),
        onEncode: encoded,
      });
      // acks=0: the broker never answers; the core asks nothing of the response.
      return response ?? { responses: [], throttleTimeMs: 0, nodeEndpoints: [] };
    });
  }

  disconnect(nodeId: number): void {
    const broker = this.cluster.existingBroker(nodeId);
    if (!broker) return;
    const error = new TransportError(`connection to node ${nodeId} dropped: outcome unknown`, {
      notSent: false,
      nodeId,
    });
    void broker.drop(error).catch(() => {});
  }

  /**
   * Fails requests still waiting for their connection (notSent), drops every broker connection (requests in
   * flight reject, outcome unknown) and disconnects kafkajs's cluster. Requests made afterwards reject as
   * notSent; calling close again does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lane of this.lanes.values()) lane.failQueued('transport closed');
    const closing = new TransportError('transport closed: outcome unknown', { notSent: false });
    await Promise.all(
      [...this.cluster.knownBrokers().keys()].map((id) =>
        this.cluster
          .existingBroker(id)
          ?.drop(closing)
          .catch(() => {}),
      ),
    );
    await this.cluster.disconnect().catch(() => {});
  }

  // ---- helpers ----

  private async initProducerIdWith(
    broker: BrokerHandle,
    request: InitProducerIdRequest,
  ): Promise<InitProducerIdResponse> {
    const version = this.version('initProducerId', broker, 'InitProducerId');
    return this.call('initProducerId', broker, {
      apiKey: apis.InitProducerId.apiKey,
      apiVersion: version,
      apiName: 'InitProducerId',
      body: encodeBody(apis.InitProducerId, version, request),
      decode: (payload) => decodeBody(apis.InitProducerId, version, payload),
      throttle: (decoded) => (version >= CLIENT_THROTTLE_FROM.InitProducerId ? decoded.throttleTimeMs : 0),
    });
  }

  /** Connects kafkajs's cluster once (again after a failure). */
  private connect(): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (!this.connecting) {
      this.connecting = this.resetIfRefused(undefined, () => this.cluster.connect()).catch(
        (error: unknown) => {
          this.connecting = null;
          throw error;
        },
      );
    }
    return this.connecting;
  }

  /** Broker `nodeId`, connected and authenticated. */
  private broker(nodeId: number): Promise<BrokerHandle> {
    return this.resetIfRefused(nodeId, () => this.cluster.broker(nodeId));
  }

  /**
   * Runs a step that connects to broker `nodeId` (the seed broker when undefined). When the broker refused us in a
   * way no retry can fix, its connection is dropped before the error goes on, so that the next attempt reports the
   * same cause rather than "Closed connection" (ClusterHandle.dropRefused).
   */
  private async resetIfRefused<T>(nodeId: number | undefined, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (fatalConnectionCauseOf(error) !== null)
        await this.cluster.dropRefused(nodeId, new Error('connection refused')).catch(() => {});
      throw error;
    }
  }

  private lane(nodeId: number): NodeLane {
    let lane = this.lanes.get(nodeId);
    if (!lane) {
      lane = new NodeLane(nodeId);
      this.lanes.set(nodeId, lane);
    }
    return lane;
  }

  private version(what: string, broker: BrokerHandle, api: keyof typeof MAX_VERSIONS): number {
    const limits: VersionLimits = { max: MAX_VERSIONS[api], flexible: this.flexible };
    try {
      return pickVersion(apis[api], broker.versions(), limits);
    } catch (error) {
      throw new TransportError(`${what}: ${describeError(error)}`, {
        notSent: true,
        ...(broker.nodeId === null ? {} : { nodeId: broker.nodeId }),
        cause: error,
      });
    }
  }

  /** A request outside the produce lanes; a failure before kafkajs took the body is reported as not sent. */
  private async call<T>(
    what: string,
    broker: BrokerHandle,
    request: Omit<RawRequest<T>, 'expectResponse' | 'requestTimeoutMs' | 'onEncode' | 'throttleMs'> & {
      throttle: (decoded: T) => number;
    },
  ): Promise<T> {
    let encoded = false;
    try {
      const response = await broker.send<T>({
        ...request,
        expectResponse: true,
        requestTimeoutMs: 0,
        throttleMs: request.throttle,
        onEncode: () => {
          encoded = true;
        },
      });
      if (response === undefined) throw new Error('no response');
      return response;
    } catch (error) {
      throw new TransportError(`${what}: ${describeError(error)}`, {
        notSent: !encoded,
        ...(broker.nodeId === null ? {} : { nodeId: broker.nodeId }),
        cause: error,
      });
    }
  }

  /** Runs a step that sends nothing (connecting, finding a broker): its failure is a not-sent failure. */
  private async notSent<T>(what: string, nodeId: number | undefined, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof TransportError) throw error;
      throw new TransportError(`${what}: ${describeError(error)}`, {
        notSent: true,
        ...(nodeId === undefined ? {} : { nodeId }),
        cause: error,
      });
    }
  }

  /**
   * produce(nodeId) finds brokers in kafkajs's pool, which kafkajs fills from its own Metadata requests. When our
   * response names brokers the pool does not know (or at other addresses), let kafkajs refresh it now.
   */
  private async syncBrokers(response: MetadataResponse): Promise<void> {
    const known = this.cluster.knownBrokers();
    const stale = response.brokers.some((b) => {
      const k = known.get(b.nodeId);
      return k === undefined || k.host !== b.host || k.port !== b.port;
    });
    if (stale) await this.cluster.refreshBrokers().catch(() => {});
  }

  private closedError(nodeId?: number): TransportError {
    return new TransportError('transport closed', {
      notSent: true,
      ...(nodeId === undefined ? {} : { nodeId }),
    });
  }
}
