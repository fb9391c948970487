/**
 * The memory cluster on TCP: one listening socket per broker, each speaking the Kafka wire protocol,
 * so real clients (kafkajs, librdkafka, @platformatic/kafka, Java) can use it. Metadata advertises
 * the ports actually bound. Loopback only unless a host is given. Faults injected on the cluster
 * reach the sockets: a reset or restart closes them with a TCP RST, a lost response ("blackhole")
 * leaves them silent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { MemoryCluster } from '../cluster/memory-cluster.js';
import type { MemoryClusterOptions } from '../config.js';
import { type BrokerServerLogger, stderrLogger } from './logger.js';
import { type SessionHost, SocketSession } from './socket-session.js';

/** Options of a MemoryBrokerServer's sockets. */
export interface BrokerServerOptions {
  /** Where malformed frames, unknown APIs and the like are reported; default stderr. */
  readonly logger?: BrokerServerLogger;
  /** Largest request frame accepted (bytes after the size prefix); default 100 MiB, Kafka's socket.request.max.bytes. */
  readonly maxFrameSize?: number;
}

/** Where MemoryBrokerServer.listen binds its sockets and what Metadata advertises. */
export interface ListenOptions {
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Port of the first broker; the others take the next ones. 0 (the default) picks free ports for all. */
  readonly port?: number;
  /** One port per broker, in node-id order (overrides `port`). */
  readonly ports?: readonly number[];
  /** Host name Metadata advertises; default the bound host (127.0.0.1 when bound to a wildcard address). */
  readonly advertisedHost?: string;
}

/** Where one broker listens, as Metadata advertises it. */
export interface BrokerAddress {
  readonly nodeId: number;
  /** The advertised host name. */
  readonly host: string;
  /** The TCP port actually bound. */
  readonly port: number;
}

const DEFAULT_MAX_FRAME_SIZE = 104_857_600;
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * Serves a MemoryCluster over TCP, one listening socket per broker: `start` makes a cluster and listens, `listen`
 * binds (it throws if already listening, and a RangeError if `ports` does not name one port per broker), `close` stops.
 */
export class MemoryBrokerServer implements SessionHost {
  readonly logger: BrokerServerLogger;
  readonly maxFrameSize: number;
  private readonly listeners: { nodeId: number; server: Server }[] = [];
  private readonly sessions = new Set<SocketSession>();
  private bound: BrokerAddress[] = [];
  private unsubscribe: (() => void) | undefined;
  private connectionCount = 0;

  constructor(
    readonly cluster: MemoryCluster,
    options: BrokerServerOptions = {},
  ) {
    this.logger = options.logger ?? stderrLogger;
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** A new cluster served over TCP: the options of both, then `listen`. */
  static async start(
    options: MemoryClusterOptions & BrokerServerOptions & ListenOptions = {},
  ): Promise<MemoryBrokerServer> {
    const server = new MemoryBrokerServer(new MemoryCluster(options), options);
    await server.listen(options);
    return server;
  }

  /** Where each broker listens (empty before `listen`). */
  get addresses(): readonly BrokerAddress[] {
    return this.bound;
  }

  /** `host:port` of every broker, comma-separated: a client's bootstrap servers. */
  get bootstrapServers(): string {
    return this.bound.map((a) => `${a.host}:${a.port}`).join(',');
  }

  /** Open client connections, for tests that aim a fault at one (`cluster.faults` matches `connectionId`). */
  get connections(): readonly { nodeId: number; connectionId: string; remote: string }[] {
    return [...this.sessions].map((s) => ({
      nodeId: s.nodeId,
      connectionId: s.connectionId,
      remote: s.remote,
    }));
  }

  /** Binds one socket per broker and advertises the bound ports in Metadata. */
  async listen(options: ListenOptions = {}): Promise<readonly BrokerAddress[]> {
    if (this.listeners.length > 0) throw new Error('MemoryBrokerServer: already listening');
    const host = options.host ?? '127.0.0.1';
    const advertised = options.advertisedHost ?? (WILDCARDS.has(host) ? '127.0.0.1' : host);
    const nodeIds = this.cluster.nodeIds;
    if (options.ports !== undefined && options.ports.length !== nodeIds.length) {
      throw new RangeError(`ports: ${options.ports.length} given for ${nodeIds.length} brokers`);
    }
    const first = options.port ?? 0;
    try {
      for (const [i, nodeId] of nodeIds.entries()) {
        const port = options.ports?.[i] ?? (first === 0 ? 0 : first + i);
        const server = createServer((socket) => this.accept(nodeId, socket));
        this.listeners.push({ nodeId, server });
        const actual = await bind(server, host, port);
        this.cluster.setBrokerAddress(nodeId, advertised, actual);
        this.bound.push({ nodeId, host: advertised, port: actual });
      }
    } catch (error) {
      await this.close();
      throw error;
    }
    this.unsubscribe = this.cluster.onEvent((event) => {
      // Faults that drop connections with no request in flight still have to close the sockets.
      if (event.kind === 'broker-restarted') this.closeWhere((s) => s.nodeId === event.nodeId);
      if (event.kind === 'connection-reset') {
        this.closeWhere((s) => s.nodeId === event.nodeId && s.connectionId === event.connectionId);
      }
    });
    return this.bound;
  }

  /** Stops listening and closes every client connection. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const closing = this.listeners
      .splice(0)
      .map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const session of [...this.sessions]) session.close();
    this.bound = [];
    await Promise.all(closing);
  }

  /** @internal */
  ended(session: SocketSession): void {
    this.sessions.delete(session);
  }

  private accept(nodeId: number, socket: Socket): void {
    const session = new SocketSession(this, nodeId, `tcp-${nodeId}-${++this.connectionCount}`, socket);
    this.sessions.add(session);
  }

  private closeWhere(predicate: (session: SocketSession) => boolean): void {
    for (const session of [...this.sessions]) if (predicate(session)) session.close(true);
  }
}

function bind(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
