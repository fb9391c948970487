// The proxy: a bootstrap listener in front of the real broker, one more listener per broker node it learns about
// from advertised addresses, fault rules shared by all connections, and hard bounds (frame size, connection count,
// lifetime) so a forgotten proxy cannot linger or grow.
import { createServer, type Server, type Socket } from 'node:net';
import {
  advertisesAddresses,
  findAdvertisedAddresses,
  isKnownVersion,
  hasNodeEndpoints,
  rewriteAddresses,
} from './advertised-addresses.js';
import { EventLog, type ProxyEvent, type ProxyEventInput, type ProxyEventKind } from './event-log.js';
import { type FaultRule, FaultRules, type FaultRuleSpec, type RequestContext } from './faults.js';
import { type HostPort, loopbackAddress, parseHostPort } from './loopback.js';
import { seededRandom } from './prng.js';
import { type ConnectionOwner, ProxiedConnection } from './proxied-connection.js';

export interface FaultProxyOptions {
  /**
   * The real broker's bootstrap address, `host:port` on loopback, or a comma-separated list of a cluster's nodes:
   * bootstrap connections then go round the list, so a client still bootstraps while one node is dead.
   */
  readonly upstream: string;
  /** Where the proxy listens; loopback only. Default 127.0.0.1. */
  readonly listenHost?: string;
  /** Seed of the generator behind probabilistic rules. Default: IDEM_SEED, else 1. */
  readonly seed?: number;
  /** Largest frame accepted from either side. Default 100 MiB + 1 KiB (Kafka's socket.request.max.bytes, plus a header). */
  readonly maxFrameBytes?: number;
  /** The proxy closes itself this long after it started. Default 10 minutes. */
  readonly maxLifetimeMs?: number;
  /** Connections open at once; more are refused. Default 1024. */
  readonly maxConnections?: number;
  /** Events kept in the log (counters go on past it). Default 100,000. */
  readonly maxEvents?: number;
}

/** Which connections a manual action applies to: one listener's, or all. */
export interface ConnectionFilter {
  readonly nodeId?: number | 'bootstrap';
}

/** A broker node the proxy stands in for. */
export interface ProxiedNode {
  readonly nodeId: number | 'bootstrap';
  /** Where the broker really is. */
  readonly upstream: HostPort;
  /** Where clients reach it through the proxy. */
  readonly listen: HostPort;
}

interface Listener {
  readonly nodeId: number | 'bootstrap';
  readonly server: Server;
  readonly port: number;
  upstream: HostPort;
  /** A whole-node blackhole: connections opened before this time start held. */
  holdUntil: number;
  holdEnd: 'release' | 'cut';
}

const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024 + 1024;

/** Starts a proxy in front of `options.upstream`. Point clients at `proxy.bootstrap`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = new FaultProxy(options);
  await proxy.start();
  return proxy;
}

export class FaultProxy implements ConnectionOwner {
  readonly maxFrameBytes: number;
  readonly seed: number;
  private readonly listenHost: string;
  private readonly upstream: HostPort;
  /** Every bootstrap address given; one connection after another goes to the next. */
  private readonly bootstrapUpstreams: readonly HostPort[];
  private nextBootstrapUpstream = 0;
  private readonly maxConnections: number;
  private readonly maxLifetimeMs: number;
  private readonly log: EventLog;
  private readonly rules: FaultRules;
  private readonly connections = new Set<ProxiedConnection>();
  private readonly listeners = new Map<number | 'bootstrap', Listener>();
  /** Node listeners being opened, so concurrent rewrites of the same node share one. */
  private readonly opening = new Map<number, Promise<Listener>>();
  /** Requests forwarded to the broker, by `${nodeId}/${apiKey}`. */
  private readonly forwarded = new Map<string, number>();
  private nextConnectionId = 1;
  private lifetimeTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private bootstrapListener: Listener | null = null;

  constructor(options: FaultProxyOptions) {
    this.bootstrapUpstreams = options.upstream.split(',').map((address) => {
      const target = parseHostPort(address.trim());
      return { host: loopbackAddress('upstream', target.host), port: target.port };
    });
    this.upstream = this.bootstrapUpstreams[0] as HostPort;
    this.listenHost = loopbackAddress('listen host', options.listenHost ?? '127.0.0.1');
    this.seed = options.seed ?? (process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 1);
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxLifetimeMs = options.maxLifetimeMs ?? 10 * 60_000;
    this.maxConnections = options.maxConnections ?? 1024;
    this.log = new EventLog(options.maxEvents ?? 100_000);
    this.rules = new FaultRules(seededRandom(this.seed));
  }

  /** @internal use startFaultProxy(). */
  async start(): Promise<void> {
    this.bootstrapListener = await this.listen('bootstrap', this.upstream);
    this.lifetimeTimer = setTimeout(() => {
      this.log.record({ kind: 'lifetimeExpired', detail: `${this.maxLifetimeMs} ms` });
      void this.close();
    }, this.maxLifetimeMs);
    // The lifetime bounds a forgotten proxy; it must not by itself keep a finished process alive.
    this.lifetimeTimer.unref();
  }

  /** `host:port` for a client's `brokers` / `bootstrap.servers`. */
  get bootstrap(): string {
    const listener = this.bootstrapListener;
    if (!listener) throw new Error('fault proxy: not started');
    return `${this.listenHost}:${listener.port}`;
  }

  /** Adds a fault rule (checked after the ones already there). */
  addFault(spec: FaultRuleSpec): FaultRule {
    return this.rules.add(spec);
  }

  /** Removes every rule; faults already under way (a delay, a blackhole) finish. */
  clearFaults(): void {
    this.rules.clear();
  }

  get events(): readonly ProxyEvent[] {
    return this.log.events;
  }

  /** How many events of `kind` happened (counted even past the log's bound). */
  count(kind: ProxyEventKind): number {
    return this.log.count(kind);
  }

  counters(): Readonly<Partial<Record<ProxyEventKind, number>>> {
    return this.log.counters();
  }

  nodes(): ProxiedNode[] {
    return [...this.listeners.values()].map((l) => ({
      nodeId: l.nodeId,
      upstream: l.upstream,
      listen: { host: this.listenHost, port: l.port },
    }));
  }

  /** Open proxied connections (optionally of one listener). */
  openConnections(filter: ConnectionFilter = {}): number {
    return [...this.connections].filter((c) => matches(c, filter)).length;
  }

  /** Requests forwarded to the broker so far by open connections (optionally of one listener). */
  requestsInFlight(filter: ConnectionFilter = {}): number {
    let n = 0;
    for (const c of this.connections) if (matches(c, filter)) n += c.inFlightCount;
    return n;
  }

  /**
   * Requests that reached the broker through the proxy, optionally only those of one listener and/or one API. Lets a
   * test prove that a client really went through the proxy (and did not bypass it after bootstrap).
   */
  requestsForwarded(filter: ConnectionFilter & { readonly apiKey?: number } = {}): number {
    let n = 0;
    for (const [key, count] of this.forwarded) {
      const [nodeId, apiKey] = key.split('/');
      if (filter.nodeId !== undefined && nodeId !== String(filter.nodeId)) continue;
      if (filter.apiKey !== undefined && apiKey !== String(filter.apiKey)) continue;
      n += count;
    }
    return n;
  }

  /** Cuts matching connections now, whatever they have in flight. Returns how many were cut. */
  cutConnections(filter: ConnectionFilter = {}): number {
    let cut = 0;
    for (const connection of [...this.connections]) {
      if (!matches(connection, filter)) continue;
      this.log.record({
        kind: 'cut',
        connectionId: connection.id,
        nodeId: connection.nodeId,
        inFlight: connection.inFlightCount,
        detail: 'manual',
      });
      connection.close('manual cut');
      cut++;
    }
    return cut;
  }

  /**
   * Holds all traffic of a node for `durationMs` — open connections, and connections accepted meanwhile (a broker that
   * accepts TCP but never answers) — then releases or cuts them.
   */
  blackholeNode(nodeId: number | 'bootstrap', durationMs: number, end: 'release' | 'cut' = 'release'): void {
    const listener = this.listeners.get(nodeId);
    if (!listener) throw new Error(`fault proxy: no listener for node ${nodeId}`);
    listener.holdUntil = performance.now() + durationMs;
    listener.holdEnd = end;
    this.log.record({ kind: 'blackhole', nodeId, detail: `node: ${durationMs} ms then ${end}` });
    for (const connection of this.connections) {
      if (connection.nodeId === nodeId) connection.startBlackhole(durationMs, end);
    }
  }

  /** Ends every connection and listener. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) this.closing = this.shutdown();
    return this.closing;
  }

  get isClosed(): boolean {
    return this.closing !== null;
  }

  private async shutdown(): Promise<void> {
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.rules.clear();
    for (const connection of [...this.connections]) connection.close('proxy closed');
    await Promise.all(
      [...this.listeners.values()].map(
        (l) => new Promise<void>((resolve) => l.server.close(() => resolve())),
      ),
    );
  }

  // ---- ConnectionOwner ----

  record(event: ProxyEventInput): void {
    this.log.record(event);
  }

  pickFault(context: RequestContext): FaultRule | null {
    return this.isClosed ? null : this.rules.pick(context);
  }

  requestForwarded(nodeId: number | 'bootstrap', apiKey: number | null): void {
    const key = `${nodeId}/${apiKey ?? '?'}`;
    this.forwarded.set(key, (this.forwarded.get(key) ?? 0) + 1);
  }

  connectionClosed(connection: ProxiedConnection): void {
    this.connections.delete(connection);
  }

  async rewriteAddresses(frame: Buffer, apiKey: number, apiVersion: number): Promise<Buffer> {
    if (!advertisesAddresses(apiKey) || !isKnownVersion(apiKey, apiVersion)) {
      throw new Error(`fault proxy: cannot rewrite addresses in apiKey ${apiKey} v${apiVersion}`);
    }
    const found = findAdvertisedAddresses(frame, apiKey, apiVersion);
    // Produce and Fetch responses name addresses only after a leader change: the others go on as they are (no copy,
    // and no event, which would flood the log).
    if (found.slots.length === 0 && hasNodeEndpoints(apiKey)) return frame;
    const listenerOf = new Map<number, Listener>();
    for (const slot of found.slots) {
      // An error answer (no coordinator yet) advertises node -1 with no address: nothing to stand in for.
      if (slot.nodeId < 0 || slot.port <= 0) continue;
      listenerOf.set(slot.nodeId, await this.nodeListener(slot.nodeId, { host: slot.host, port: slot.port }));
    }
    this.log.record({ kind: 'addressesRewritten', apiKey, apiVersion, detail: `${listenerOf.size} node(s)` });
    return rewriteAddresses(frame, found, (slot) => {
      const listener = listenerOf.get(slot.nodeId);
      return listener ? { host: this.listenHost, port: listener.port } : null;
    });
  }

  // ---- listeners ----

  /** The listener standing in for `nodeId`, opened on first sight; a moved broker updates it for new connections. */
  private async nodeListener(nodeId: number, advertised: HostPort): Promise<Listener> {
    const upstream = {
      host: loopbackAddress(`broker ${nodeId} address`, advertised.host),
      port: advertised.port,
    };
    // Looked up without awaiting first: an `await` here would let a concurrent rewrite of the same node open a
    // second listener (and the two responses would name different ports for one node).
    const existing = this.listeners.get(nodeId);
    if (existing) {
      existing.upstream = upstream;
      return existing;
    }
    const pending = this.opening.get(nodeId);
    if (pending) {
      const listener = await pending;
      listener.upstream = upstream;
      return listener;
    }
    const opening = this.listen(nodeId, upstream);
    this.opening.set(nodeId, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(nodeId);
    }
  }

  private listen(nodeId: number | 'bootstrap', upstream: HostPort): Promise<Listener> {
    if (this.isClosed) return Promise.reject(new Error('fault proxy: closed'));
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true });
      server.once('error', reject);
      server.listen({ host: this.listenHost, port: 0 }, () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          server.close();
          reject(new Error('fault proxy: listener has no TCP address'));
          return;
        }
        const listener: Listener = {
          nodeId,
          server,
          port: address.port,
          upstream,
          holdUntil: 0,
          holdEnd: 'release',
        };
        server.on('connection', (socket) => this.accept(listener, socket));
        this.listeners.set(nodeId, listener);
        this.log.record({
          kind: 'listenerOpened',
          nodeId,
          detail: `${this.listenHost}:${address.port} -> ${upstream.host}:${upstream.port}`,
        });
        if (this.isClosed) server.close();
        resolve(listener);
      });
    });
  }

  private accept(listener: Listener, socket: Socket): void {
    if (this.isClosed || this.connections.size >= this.maxConnections) {
      this.log.record({
        kind: 'connectionRefused',
        nodeId: listener.nodeId,
        detail: this.isClosed ? 'proxy closed' : `${this.maxConnections} connections open`,
      });
      socket.destroy();
      return;
    }
    const upstream =
      listener.nodeId === 'bootstrap' && this.bootstrapUpstreams.length > 1
        ? (this.bootstrapUpstreams[this.nextBootstrapUpstream++ % this.bootstrapUpstreams.length] as HostPort)
        : listener.upstream;
    const connection = new ProxiedConnection(
      this.nextConnectionId++,
      listener.nodeId,
      socket,
      upstream,
      this,
    );
    this.connections.add(connection);
    const holdLeft = listener.holdUntil - performance.now();
    if (holdLeft > 0) connection.startBlackhole(holdLeft, listener.holdEnd);
  }
}

function matches(connection: ProxiedConnection, filter: ConnectionFilter): boolean {
  return filter.nodeId === undefined || connection.nodeId === filter.nodeId;
}
