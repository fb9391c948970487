// THE ONLY MODULE THAT TOUCHES KAFKAJS INTERNALS. kafkajs's public API never exposes a raw request, so the transport
// borrows kafkajs's own cluster, brokers and connections — which is what makes SASL, TLS, socket factories,
// reconnects and metadata work exactly as the user configured them in `new Kafka({...})`.
//
// Everything reached here is named in KAFKAJS_INTERNALS below, checked by `kafkajsInternalsProblems()` when a
// transport is created (a clear error instead of a confusing failure later) and by test/kafkajs-internals.test.ts
// (which fails loudly when a kafkajs upgrade moves any of it). Written against kafkajs 2.2.4.
import type { Kafka } from 'kafkajs';

/** `{ [apiKey]: { minVersion, maxVersion } }` from the broker's ApiVersions, as kafkajs stores it. */
export type ApiVersionRanges = Readonly<
  Record<number, { readonly minVersion: number; readonly maxVersion: number }>
>;

/** One request in the shape kafkajs's Connection#send takes, built from bytes idem encoded. */
export interface RawRequest<T> {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly apiName: string;
  /** The request body, exactly as it follows kafkajs's request header v1 on the wire. */
  readonly body: Buffer;
  readonly expectResponse: boolean;
  /** kafkajs takes the larger of this and its own `requestTimeout`. */
  readonly requestTimeoutMs: number;
  /** Decodes the response payload (what follows the correlation id). */
  readonly decode: (payload: Buffer) => T;
  /** KIP-219: how long the client must hold back further requests on this connection after this response. */
  readonly throttleMs?: (decoded: T) => number;
  /**
   * Called when kafkajs asks for the body: it has assigned this request's correlation id and passed every await
   * that precedes the socket write except ones all requests share.
   */
  readonly onEncode: () => void;
}

// ---- the private kafkajs objects, as far as we use them ----

interface PrivateEncoderLike {
  readonly buf: Buffer;
  readonly buffer: Buffer;
}

interface PrivateConnection {
  send(protocol: {
    request: {
      apiKey: number;
      apiVersion: number;
      apiName: string;
      expectResponse: () => boolean;
      encode: () => Promise<PrivateEncoderLike>;
    };
    response: {
      decode: (payload: Buffer) => Promise<unknown>;
      parse: (decoded: unknown) => Promise<unknown>;
    };
    requestTimeout: number;
    logResponseError: boolean;
  }): Promise<unknown>;
  rejectRequests(error: Error): void;
  disconnect(): Promise<boolean>;
  isConnected(): boolean;
  socket?: {
    destroy(): void;
    removeAllListeners(event: string): unknown;
    on(event: string, fn: () => void): unknown;
  };
}

interface PrivateConnectionPool {
  readonly host: string;
  readonly port: number;
  readonly pool: PrivateConnection[];
  getConnectionByRequest(protocol: { request: { apiKey: number } }): Promise<PrivateConnection>;
}

interface PrivateBroker {
  nodeId: number | null;
  versions: ApiVersionRanges | null;
  connectionPool: PrivateConnectionPool;
  isConnected(): boolean;
}

interface PrivateBrokerPool {
  brokers: Record<string, PrivateBroker>;
  /** The bootstrap broker kafkajs connects first (undefined until then). */
  seedBroker: PrivateBroker | undefined;
  findConnectedBroker(): Promise<PrivateBroker>;
}

interface PrivateCluster {
  brokerPool: PrivateBrokerPool;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findBroker(args: { nodeId: number }): Promise<PrivateBroker>;
}

type CreateCluster = (options: {
  metadataMaxAge: number;
  allowAutoTopicCreation: boolean;
  maxInFlightRequests: null;
  instrumentationEmitter: null;
}) => PrivateCluster;

const CREATE_CLUSTER_SYMBOL = 'private:Kafka:createCluster';

/** What this module relies on, by object, with the arity kafkajs 2.2.4 declares. */
export const KAFKAJS_INTERNALS = {
  kafka: { [CREATE_CLUSTER_SYMBOL]: 1 },
  cluster: { connect: 0, disconnect: 0, refreshMetadata: 0, findBroker: 1 },
  clusterFields: ['brokerPool'],
  brokerPool: { findConnectedBroker: 0 },
  brokerPoolFields: ['brokers', 'seedBroker'],
  broker: { isConnected: 0 },
  brokerFields: ['nodeId', 'versions', 'connectionPool'],
  connectionPool: { getConnectionByRequest: 1 },
  connectionPoolFields: ['host', 'port', 'pool'],
  connection: { send: 1, rejectRequests: 1, disconnect: 0, isConnected: 0 },
  /** Connection#send destructures these from its argument (checked in the source text by the test). */
  connectionSendArguments: ['request', 'response', 'requestTimeout', 'logResponseError'],
} as const;

function createClusterOf(kafka: Kafka): CreateCluster | undefined {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER_SYMBOL);
  const fn = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  return typeof fn === 'function' ? (fn as CreateCluster) : undefined;
}

/** Problems with the kafkajs objects this module would use, as readable strings; empty when all is in place. */
export function kafkajsInternalsProblems(kafka: Kafka): string[] {
  const problems: string[] = [];
  const create = createClusterOf(kafka);
  if (!create) return [`Kafka instance has no Symbol(${CREATE_CLUSTER_SYMBOL}) function`];
  if (create.length !== KAFKAJS_INTERNALS.kafka[CREATE_CLUSTER_SYMBOL]) {
    problems.push(`Kafka[${CREATE_CLUSTER_SYMBOL}] takes ${create.length} arguments, expected 1`);
  }
  // Building a cluster opens no socket: it only wires objects together.
  const cluster = create({
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    instrumentationEmitter: null,
  }) as unknown as Record<string, unknown>;
  checkObject('Cluster', cluster, KAFKAJS_INTERNALS.cluster, KAFKAJS_INTERNALS.clusterFields, problems);
  const pool = cluster.brokerPool as Record<string, unknown> | undefined;
  if (pool) {
    checkObject(
      'BrokerPool',
      pool,
      KAFKAJS_INTERNALS.brokerPool,
      KAFKAJS_INTERNALS.brokerPoolFields,
      problems,
    );
    const createBroker = pool.createBroker;
    const builder = (cluster.connectionPoolBuilder ?? {}) as { build?: unknown };
    if (typeof createBroker !== 'function' || typeof builder.build !== 'function') {
      problems.push('BrokerPool#createBroker or Cluster#connectionPoolBuilder.build is missing');
    }
  }
  return problems;
}

/** Checks a Broker, its ConnectionPool and one Connection (needs objects kafkajs built lazily: test-time check). */
export function brokerInternalsProblems(broker: unknown): string[] {
  const problems: string[] = [];
  const b = broker as Record<string, unknown>;
  checkObject('Broker', b, KAFKAJS_INTERNALS.broker, KAFKAJS_INTERNALS.brokerFields, problems);
  const pool = b.connectionPool as Record<string, unknown> | undefined;
  if (!pool) return problems;
  checkObject(
    'ConnectionPool',
    pool,
    KAFKAJS_INTERNALS.connectionPool,
    KAFKAJS_INTERNALS.connectionPoolFields,
    problems,
  );
  const connections = Array.isArray(pool.pool) ? (pool.pool as Record<string, unknown>[]) : [];
  const first = connections[0];
  if (!first) problems.push('ConnectionPool#pool holds no Connection');
  else checkObject('Connection', first, KAFKAJS_INTERNALS.connection, [], problems);
  return problems;
}

function checkObject(
  name: string,
  target: Record<string, unknown>,
  methods: Readonly<Record<string, number>>,
  fields: readonly string[],
  problems: string[],
): void {
  for (const [method, arity] of Object.entries(methods)) {
    const fn = target[method];
    if (typeof fn !== 'function') problems.push(`${name}#${method} is not a function`);
    else if (fn.length !== arity)
      problems.push(`${name}#${method} takes ${fn.length} arguments, expected ${arity}`);
  }
  for (const field of fields) {
    if (!(field in target)) problems.push(`${name}.${field} is missing`);
  }
}

// ---- the handles the transport uses ----

export interface ClusterHandle {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** kafkajs's own metadata refresh (brokers only, our cluster has no target topics): updates its broker pool. */
  refreshBrokers(): Promise<void>;
  /** Brokers kafkajs knows, by node id. */
  knownBrokers(): Map<number, { host: string; port: number }>;
  /** A connected broker, connecting one if none is. */
  anyBroker(): Promise<BrokerHandle>;
  /** Broker `nodeId`, connected (and authenticated) — kafkajs refreshes its metadata and throws when it is unknown. */
  broker(nodeId: number): Promise<BrokerHandle>;
  /** The broker's request connection if kafkajs has one, without connecting. */
  existingBroker(nodeId: number): BrokerHandle | undefined;
  /**
   * Drops the connections of broker `nodeId`, or of the seed broker when undefined, after the broker refused them
   * (SASL, TLS). kafkajs would keep such a connection as open, and the refused socket's late 'end' would tear down
   * the next socket it opens — the next attempt then fails with "Closed connection" and hides the real cause.
   */
  dropRefused(nodeId: number | undefined, error: Error): Promise<void>;
}

export interface BrokerHandle {
  readonly nodeId: number | null;
  /** ApiVersions of this broker (kafkajs asks on first connect). */
  versions(): ApiVersionRanges | null;
  /** Sends on the connection kafkajs uses for `apiKey` (not Fetch: the first one), connecting it when needed. */
  send<T>(request: RawRequest<T>): Promise<T | undefined>;
  /** Ends the request connection now: its requests in flight reject with `error`, late bytes are ignored. */
  drop(error: Error): Promise<void>;
}

/** A kafkajs cluster of its own for the transport, built from the user's `Kafka` configuration. */
export function createClusterHandle(
  kafka: Kafka,
  options: { metadataMaxAgeMs: number; allowAutoTopicCreation: boolean },
): ClusterHandle {
  const create = createClusterOf(kafka);
  if (!create) throw new Error(`kafkajs internals moved: Symbol(${CREATE_CLUSTER_SYMBOL}) not found`);
  const cluster = create({
    metadataMaxAge: options.metadataMaxAgeMs,
    allowAutoTopicCreation: options.allowAutoTopicCreation,
    // idem bounds in-flight requests per partition itself; kafkajs must not queue them behind its own limit.
    maxInFlightRequests: null,
    instrumentationEmitter: null,
  });
  return {
    connect: () => cluster.connect(),
    disconnect: () => cluster.disconnect(),
    refreshBrokers: () => cluster.refreshMetadata(),
    knownBrokers() {
      const known = new Map<number, { host: string; port: number }>();
      for (const [id, broker] of Object.entries(cluster.brokerPool.brokers)) {
        known.set(Number(id), { host: broker.connectionPool.host, port: broker.connectionPool.port });
      }
      return known;
    },
    anyBroker: async () => brokerHandle(await cluster.brokerPool.findConnectedBroker()),
    broker: async (nodeId) => brokerHandle(await cluster.findBroker({ nodeId })),
    existingBroker(nodeId) {
      const broker = cluster.brokerPool.brokers[String(nodeId)];
      return broker ? brokerHandle(broker) : undefined;
    },
    async dropRefused(nodeId, error) {
      const broker =
        nodeId === undefined ? cluster.brokerPool.seedBroker : cluster.brokerPool.brokers[String(nodeId)];
      if (broker) await brokerHandle(broker).drop(error);
    },
  };
}

function brokerHandle(broker: PrivateBroker): BrokerHandle {
  return {
    nodeId: broker.nodeId,
    versions: () => broker.versions,
    async send<T>(request: RawRequest<T>): Promise<T | undefined> {
      const connection = await broker.connectionPool.getConnectionByRequest({
        request: { apiKey: request.apiKey },
      });
      const body: PrivateEncoderLike = { buf: request.body, buffer: request.body };
      const result = await connection.send({
        request: {
          apiKey: request.apiKey,
          apiVersion: request.apiVersion,
          apiName: request.apiName,
          expectResponse: () => request.expectResponse,
          encode: async () => {
            request.onEncode();
            return body;
          },
        },
        response: {
          decode: async (payload: Buffer) => {
            const decoded = request.decode(payload);
            // kafkajs reads `clientSideThrottleTime` off the decoded value to apply KIP-219 throttling.
            return { decoded, clientSideThrottleTime: request.throttleMs?.(decoded) ?? null };
          },
          parse: async (wrapped) => (wrapped as { decoded: T }).decoded,
        },
        requestTimeout: request.requestTimeoutMs,
        // Decode failures are reported to the caller; kafkajs need not log them too.
        logResponseError: false,
      });
      return result as T | undefined;
    },
    async drop(error: Error): Promise<void> {
      await Promise.all(
        broker.connectionPool.pool
          .filter((c) => c.isConnected())
          .map((connection) => dropConnection(connection, error)),
      );
    },
  };
}

/**
 * Rejects what is in flight now (Connection#disconnect alone would wait for it), then cuts the old socket off from
 * the Connection: its late 'end' event would otherwise tear down the *next* socket kafkajs opens on it.
 */
async function dropConnection(connection: PrivateConnection, error: Error): Promise<void> {
  const socket = connection.socket;
  connection.rejectRequests(error);
  if (socket) {
    for (const event of ['data', 'end', 'timeout', 'error']) socket.removeAllListeners(event);
    socket.on('error', () => {});
  }
  await connection.disconnect();
  socket?.destroy();
}
