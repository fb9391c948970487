/**
 * A client of the in-process cluster whose methods match idem core's Transport port (structurally;
 * the broker does not import core). One connection per broker, requests on it answered in order.
 * By default requests and responses pass as objects; `wire: true` sends every request through the
 * codec as Kafka frames instead, so simulations exercise the codec too.
 */
import type {
  DescribeProducersRequest,
  DescribeProducersResponse,
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
} from '@idem/codec';
import type { ProducerApi, ServedApi } from '../faults/match.js';
import type { RequestOf, ResponseOf } from '../handlers/dispatch.js';
import { SERVED_VERSIONS } from '../handlers/versions.js';
import { decodeResponseFrame, encodeRequestFrame } from '../wire/client-frames.js';
import { BrokerConnectionError, clientClosed } from './errors.js';

/** Options of MemoryCluster.connect. */
export interface ConnectOptions {
  /** Encode requests and decode responses through the codec as Kafka frames. Default false (objects, fast). */
  readonly wire?: boolean;
  /** API versions to use; defaults Produce 11, Metadata 12, InitProducerId 5, DescribeProducers 0. */
  readonly versions?: Partial<Record<ServedApi, number>>;
  /** Client id in wire request headers. */
  readonly clientId?: string;
}

/** What the client needs from the cluster. */
export interface ClientHost {
  readonly nodeIds: readonly number[];
  request<A extends ServedApi>(
    nodeId: number,
    connectionId: string,
    api: A,
    request: RequestOf<A>,
    version?: number,
  ): Promise<ResponseOf<A> | null>;
  handleFrame(nodeId: number, connectionId: string, frame: Uint8Array): Promise<Buffer | null>;
  closeConnection(nodeId: number, connectionId: string): void;
  /** Whether the broker closed or reset this connection (a TCP client sees the socket close). */
  isConnectionClosed(nodeId: number, connectionId: string): boolean;
  /** Opening a connection (the authentication handshake): null when accepted, else the error to reject with. */
  openConnection(nodeId: number, connectionId: string, clientId: string): Error | null;
}

const DEFAULT_VERSIONS: Readonly<Record<ProducerApi, number>> = {
  Produce: 11,
  Metadata: 12,
  InitProducerId: 5,
  ApiVersions: 3,
  DescribeProducers: 0,
};

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function metadataRequest(topics: readonly string[]) {
  return {
    topics: topics.map((name) => ({ topicId: ZERO_UUID, name })),
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  };
}

/**
 * A client of one MemoryCluster, from MemoryCluster.connect: Metadata, InitProducerId and Produce as idem core's
 * Transport port expects, over one connection per broker. A refused, reset or closed connection rejects with a
 * BrokerConnectionError.
 */
export class MemoryClient {
  private readonly connectionIds = new Map<number, string>();
  private readonly inFlight = new Map<number, number>();
  private readonly versions: Readonly<Partial<Record<ServedApi, number>>>;
  private readonly wire: boolean;
  private readonly clientId: string;
  private generation = 0;
  private rotation = 0;
  private correlationId = 0;
  private closed = false;

  constructor(
    private readonly host: ClientHost,
    readonly clientNumber: number,
    options: ConnectOptions = {},
  ) {
    this.versions = { ...DEFAULT_VERSIONS, ...options.versions };
    this.wire = options.wire ?? false;
    this.clientId = options.clientId ?? `memory-client-${clientNumber}`;
  }

  /** Metadata v12 (by default) from the least-loaded broker; unknown topics are auto-created if the cluster allows. */
  metadata(topics: readonly string[]): Promise<MetadataResponse> {
    return this.anyNode('Metadata', metadataRequest(topics));
  }

  /** Metadata sent to the broker the caller chose (the core hedges a silent broker's refresh to another). */
  async metadataOn(nodeId: number, topics: readonly string[]): Promise<MetadataResponse> {
    return (await this.send(nodeId, 'Metadata', metadataRequest(topics)))!;
  }

  /** InitProducerId from the least-loaded broker, moving on to the next one if a broker is down. */
  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return this.anyNode('InitProducerId', request);
  }

  /** InitProducerId sent to the broker the caller chose. */
  async initProducerIdOn(nodeId: number, request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    return (await this.send(nodeId, 'InitProducerId', request))!;
  }

  /** One Produce to broker `nodeId`. With acks=0 Kafka sends no response; this resolves with an empty one. */
  produce(nodeId: number, request: ProduceRequest): Promise<ProduceResponse> {
    return this.send(nodeId, 'Produce', request).then(
      (response) => response ?? { responses: [], throttleTimeMs: 0, nodeEndpoints: [] },
    );
  }

  /** DescribeProducers v0 to broker `nodeId` (not part of the Transport port; for tests). */
  async describeProducers(
    nodeId: number,
    request: DescribeProducersRequest,
  ): Promise<DescribeProducersResponse> {
    return (await this.send(nodeId, 'DescribeProducers', request))!;
  }

  /** Drops the connection to `nodeId`: requests in flight on it reject with code 'ECONNRESET'. */
  disconnect(nodeId: number): void {
    const connectionId = this.connectionIds.get(nodeId);
    if (connectionId === undefined) return;
    this.connectionIds.delete(nodeId);
    this.host.closeConnection(nodeId, connectionId);
  }

  /** Disconnects from every broker; later calls reject with `notSent: true`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const nodeId of [...this.connectionIds.keys()]) this.disconnect(nodeId);
  }

  private async anyNode<A extends 'Metadata' | 'InitProducerId'>(
    api: A,
    request: RequestOf<A>,
  ): Promise<ResponseOf<A>> {
    const order = this.byLoad();
    let lastError: unknown;
    for (const nodeId of order) {
      try {
        return (await this.send(nodeId, api, request))!;
      } catch (error) {
        // Only a refused connection proves nothing was sent, so only then is another broker tried.
        if (!(error instanceof BrokerConnectionError && error.code === 'ECONNREFUSED')) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Brokers by fewest requests in flight; ties rotate so that repeated calls spread over the brokers. */
  private byLoad(): number[] {
    const ids = [...this.host.nodeIds];
    const start = this.rotation++ % ids.length;
    const rotated = [...ids.slice(start), ...ids.slice(0, start)];
    return rotated.sort((a, b) => (this.inFlight.get(a) ?? 0) - (this.inFlight.get(b) ?? 0));
  }

  private async send<A extends ServedApi>(
    nodeId: number,
    api: A,
    request: RequestOf<A>,
  ): Promise<ResponseOf<A> | null> {
    if (this.closed) throw clientClosed(nodeId);
    let connectionId = this.connectionIds.get(nodeId);
    // A connection the broker reset is gone, as a socket's close event tells a TCP client: open a new one.
    if (connectionId !== undefined && this.host.isConnectionClosed(nodeId, connectionId))
      connectionId = undefined;
    if (connectionId === undefined) {
      connectionId = `client-${this.clientNumber}/node-${nodeId}/${++this.generation}`;
      const refused = this.host.openConnection(nodeId, connectionId, this.clientId);
      if (refused !== null) throw refused; // a refused handshake leaves no connection behind
      this.connectionIds.set(nodeId, connectionId);
    }
    const version = this.versions[api] ?? SERVED_VERSIONS[api].max;
    this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 0) + 1);
    try {
      if (!this.wire) return await this.host.request(nodeId, connectionId, api, request, version);
      const correlationId = ++this.correlationId;
      const frame = encodeRequestFrame(api, version, correlationId, this.clientId, request);
      const reply = await this.host.handleFrame(nodeId, connectionId, frame);
      if (reply === null) return null;
      return decodeResponseFrame(api, version, correlationId, reply);
    } catch (error) {
      // A reset connection is gone: the next request opens a new one.
      if (error instanceof BrokerConnectionError && error.code === 'ECONNRESET') {
        if (this.connectionIds.get(nodeId) === connectionId) this.connectionIds.delete(nodeId);
      }
      throw error;
    } finally {
      this.inFlight.set(nodeId, (this.inFlight.get(nodeId) ?? 1) - 1);
    }
  }
}
