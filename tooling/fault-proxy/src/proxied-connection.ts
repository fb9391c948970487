// One client connection and its twin connection to the broker. Requests flow through untouched unless a fault rule
// fires; responses are matched to their request by correlation id, so faults and address rewriting know which API a
// response answers. Responses reach the client strictly in the order the broker sent them, as Kafka promises.
import { connect, type Socket } from 'node:net';
import { ApiKey } from './api-keys.js';
import type { ProxyEventInput } from './event-log.js';
import type { FaultRule, RequestContext } from './faults.js';
import { FrameSplitter, type FrameTooLargeError } from './frame-splitter.js';
import type { HostPort } from './loopback.js';
import { type RequestInfo, readRequestInfo, responseCorrelationId } from './request-header.js';
import { advertisesAddresses, isKnownVersion, passesUnknownVersions } from './advertised-addresses.js';

/** What a connection needs from the proxy that owns it. */
export interface ConnectionOwner {
  readonly maxFrameBytes: number;
  record(event: ProxyEventInput): void;
  pickFault(context: RequestContext): FaultRule | null;
  /** The frame with advertised broker addresses replaced by the proxy's listeners. */
  rewriteAddresses(frame: Buffer, apiKey: number, apiVersion: number): Promise<Buffer>;
  /** Counts a request that reached the broker (apiKey null when its header could not be read). */
  requestForwarded(nodeId: number | 'bootstrap', apiKey: number | null): void;
  connectionClosed(connection: ProxiedConnection): void;
}

/** A request forwarded to the broker whose response has not come back yet. */
interface Pending {
  readonly info: RequestInfo;
  readonly ackLostRule?: number;
  readonly delayMs?: number;
  readonly delayRule?: number;
}

type Outgoing =
  | { readonly kind: 'frame'; readonly frame: Buffer | Promise<Buffer>; readonly releaseAt: number }
  | { readonly kind: 'cut'; readonly reason: string };

/** Above this many responses waiting for the client, stop reading from the broker until the client catches up. */
const OUTBOX_HIGH_WATER = 256;

export class ProxiedConnection {
  private readonly upstream: Socket;
  private readonly inFlight = new Map<number, Pending>();
  private readonly outbox: Outgoing[] = [];
  private draining = false;
  private closedReason: string | null = null;
  /** Set once an ack was lost: nothing more is forwarded either way, and the cut is queued. */
  private doomed = false;
  /** After a SaslHandshake v0 the peers exchange raw SASL tokens without Kafka headers: forward blindly. */
  private opaque = false;
  private blackhole: { timer: NodeJS.Timeout; end: 'release' | 'cut'; ruleId?: number } | null = null;
  private heldFromClient: Buffer[] = [];
  private heldFromBroker: Buffer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waitingForDrain = new Set<Socket>();
  /** `${apiKey}/${apiVersion}` of unknown versions already reported by an `unknownVersion` event. */
  private readonly reportedVersions = new Set<string>();

  constructor(
    readonly id: number,
    readonly nodeId: number | 'bootstrap',
    private readonly client: Socket,
    target: HostPort,
    private readonly owner: ConnectionOwner,
  ) {
    client.setNoDelay(true);
    this.upstream = connect({ host: target.host, port: target.port, noDelay: true });
    const fromClient = new FrameSplitter(
      owner.maxFrameBytes,
      (frame) => this.onClientFrame(frame),
      (error) => this.onFrameTooLarge('client', error),
    );
    const fromBroker = new FrameSplitter(
      owner.maxFrameBytes,
      (frame) => this.onBrokerFrame(frame),
      (error) => this.onFrameTooLarge('broker', error),
    );
    client.on('data', (chunk: Buffer) => fromClient.push(chunk));
    this.upstream.on('data', (chunk: Buffer) => fromBroker.push(chunk));
    client.on('close', () => this.close('client closed the connection'));
    client.on('error', () => this.close('client socket error'));
    this.upstream.on('close', () => this.close('broker closed the connection'));
    this.upstream.on('error', (error: NodeJS.ErrnoException) => {
      this.event({
        kind: 'upstreamError',
        detail: `${target.host}:${target.port}: ${error.code ?? error.message}`,
      });
      this.close('broker socket error');
    });
    this.event({ kind: 'connectionOpened', detail: `to ${target.host}:${target.port}` });
  }

  get isClosed(): boolean {
    return this.closedReason !== null;
  }

  /** Requests sent to the broker and not answered yet. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Ends both sockets at once: whatever was in flight is lost. */
  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    if (this.blackhole) clearTimeout(this.blackhole.timer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.heldFromBroker = [];
    this.heldFromClient = [];
    this.outbox.length = 0;
    this.client.destroy();
    this.upstream.destroy();
    this.event({ kind: 'connectionClosed', inFlight: this.inFlight.size, detail: reason });
    this.inFlight.clear();
    this.owner.connectionClosed(this);
  }

  /** Holds all traffic for `durationMs`, then releases it or cuts the connection. */
  startBlackhole(durationMs: number, end: 'release' | 'cut', ruleId?: number): void {
    if (this.isClosed) return;
    if (this.blackhole) clearTimeout(this.blackhole.timer);
    const timer = setTimeout(() => this.endBlackhole(), durationMs);
    this.blackhole = ruleId === undefined ? { timer, end } : { timer, end, ruleId };
  }

  private endBlackhole(): void {
    const hole = this.blackhole;
    if (!hole || this.isClosed) return;
    this.blackhole = null;
    this.event({
      kind: 'blackholeEnd',
      detail: hole.end,
      ...(hole.ruleId === undefined ? {} : { ruleId: hole.ruleId }),
    });
    if (hole.end === 'cut') {
      this.event({ kind: 'cut', inFlight: this.inFlight.size, detail: 'blackhole ended with a cut' });
      this.close('fault: blackhole then cut');
      return;
    }
    // Traffic that was "in the network" during the hole arrives now, in order, without meeting the rules again.
    const requests = this.heldFromClient;
    const responses = this.heldFromBroker;
    this.heldFromClient = [];
    this.heldFromBroker = [];
    for (const frame of requests) this.forwardRequest(frame, this.parseRequest(frame), {});
    for (const frame of responses) this.onBrokerFrame(frame);
  }

  private onClientFrame(frame: Buffer): void {
    if (this.isClosed || this.doomed) return;
    if (this.blackhole) {
      this.heldFromClient.push(frame);
      return;
    }
    const info = this.opaque ? null : this.parseRequest(frame);
    if (info === null) {
      this.forwardRequest(frame, null, {});
      return;
    }
    if (info.apiKey === ApiKey.SaslHandshake && info.apiVersion === 0) this.opaque = true;
    const rule = this.owner.pickFault({ apiKey: info.apiKey, nodeId: this.nodeId });
    const about = { apiKey: info.apiKey, apiVersion: info.apiVersion, correlationId: info.correlationId };
    switch (rule?.spec.kind) {
      case 'cut':
        this.event({ kind: 'cut', ruleId: rule.id, inFlight: this.inFlight.size, ...about });
        this.close('fault: cut');
        return;
      case 'blackhole': {
        const end = rule.spec.end ?? 'release';
        this.event({
          kind: 'blackhole',
          ruleId: rule.id,
          detail: `${rule.spec.durationMs} ms then ${end}`,
          ...about,
        });
        this.startBlackhole(rule.spec.durationMs ?? 0, end, rule.id);
        this.heldFromClient.push(frame);
        return;
      }
      case 'ackLost':
        if (!info.expectsResponse) {
          // acks=0: there is no response to lose; the closest thing is cutting right after the request left.
          this.event({ kind: 'ackLost', ruleId: rule.id, detail: 'acks=0: cut after forwarding', ...about });
          this.doomed = true;
          this.upstream.write(frame, () => this.close('fault: ack lost'));
          return;
        }
        this.forwardRequest(frame, info, { ackLostRule: rule.id });
        return;
      case 'delay':
        this.forwardRequest(frame, info, { delayMs: rule.spec.delayMs ?? 0, delayRule: rule.id });
        return;
      default:
        this.forwardRequest(frame, info, {});
    }
  }

  private parseRequest(frame: Buffer): RequestInfo | null {
    try {
      return readRequestInfo(frame);
    } catch (error) {
      this.event({ kind: 'malformedFrame', detail: `request: ${(error as Error).message}` });
      return null;
    }
  }

  private forwardRequest(frame: Buffer, info: RequestInfo | null, fault: Omit<Pending, 'info'>): void {
    if (info?.expectsResponse) {
      if (this.inFlight.has(info.correlationId)) {
        this.event({
          kind: 'malformedFrame',
          correlationId: info.correlationId,
          detail: 'correlation id reused',
        });
      }
      this.inFlight.set(info.correlationId, { info, ...fault });
    }
    this.owner.requestForwarded(this.nodeId, info?.apiKey ?? null);
    this.write(this.upstream, frame);
  }

  private onBrokerFrame(frame: Buffer): void {
    if (this.isClosed || this.doomed) return;
    if (this.blackhole) {
      this.heldFromBroker.push(frame);
      return;
    }
    if (this.opaque) {
      this.enqueue({ kind: 'frame', frame, releaseAt: 0 });
      return;
    }
    const correlationId = responseCorrelationId(frame);
    const pending = correlationId === null ? undefined : this.inFlight.get(correlationId);
    if (correlationId === null || pending === undefined) {
      this.event({ kind: 'unmatchedResponse', ...(correlationId === null ? {} : { correlationId }) });
      this.enqueue({ kind: 'frame', frame, releaseAt: 0 });
      return;
    }
    this.inFlight.delete(correlationId);
    const { info } = pending;
    const about = { apiKey: info.apiKey, apiVersion: info.apiVersion, correlationId };
    if (pending.ackLostRule !== undefined) {
      // The broker has processed the request: its response is the proof. Drop it and cut once the responses
      // before it have reached the client.
      this.event({ kind: 'ackLost', ruleId: pending.ackLostRule, inFlight: this.inFlight.size, ...about });
      this.doomed = true;
      this.enqueue({ kind: 'cut', reason: 'fault: ack lost' });
      return;
    }
    let releaseAt = 0;
    if (pending.delayMs !== undefined) {
      this.event({
        kind: 'delay',
        detail: `${pending.delayMs} ms`,
        ...(pending.delayRule === undefined ? {} : { ruleId: pending.delayRule }),
        ...about,
      });
      releaseAt = performance.now() + pending.delayMs;
    }
    let out: Buffer | Promise<Buffer> = frame;
    if (
      advertisesAddresses(info.apiKey) &&
      !isKnownVersion(info.apiKey, info.apiVersion) &&
      passesUnknownVersions(info.apiKey)
    ) {
      // Produce/Fetch newer than the proxy knows: forwarded as is (any NodeEndpoints in it unrewritten), reported once.
      const key = `${info.apiKey}/${info.apiVersion}`;
      if (!this.reportedVersions.has(key)) {
        this.reportedVersions.add(key);
        this.event({ kind: 'unknownVersion', detail: 'forwarded without rewriting NodeEndpoints', ...about });
      }
    } else if (advertisesAddresses(info.apiKey)) {
      out = this.owner.rewriteAddresses(frame, info.apiKey, info.apiVersion);
      // Awaited in order by drain(); this only stops a failure from counting as unhandled meanwhile.
      out.catch(() => {});
    }
    this.enqueue({ kind: 'frame', frame: out, releaseAt });
  }

  private enqueue(item: Outgoing): void {
    this.outbox.push(item);
    if (this.outbox.length > OUTBOX_HIGH_WATER) this.upstream.pause();
    void this.drain();
  }

  /** Delivers queued responses one at a time, in order, honouring delays, rewrites and back-pressure. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.outbox.length > 0 && !this.isClosed) {
        const item = this.outbox[0] as Outgoing;
        if (item.kind === 'cut') {
          this.event({ kind: 'cut', inFlight: this.inFlight.size, detail: item.reason });
          this.close(item.reason);
          return;
        }
        const wait = item.releaseAt - performance.now();
        if (wait > 0) await this.sleep(wait);
        let frame: Buffer;
        try {
          frame = await item.frame;
        } catch (error) {
          // A response the proxy cannot rewrite would send the client around the proxy: fail closed.
          this.event({ kind: 'malformedFrame', detail: `response: ${(error as Error).message}` });
          this.close('unrewritable response');
          return;
        }
        if (this.isClosed) return;
        this.outbox.shift();
        if (!this.client.write(frame)) await this.whenDrained(this.client);
        if (this.outbox.length <= OUTBOX_HIGH_WATER / 2 && this.upstream.isPaused()) this.upstream.resume();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Writes to `to`; when it buffers, stops reading from the other side until it drains. */
  private write(to: Socket, frame: Buffer): void {
    if (to.write(frame) || this.waitingForDrain.has(to)) return;
    const from = to === this.upstream ? this.client : this.upstream;
    this.waitingForDrain.add(to);
    from.pause();
    to.once('drain', () => {
      this.waitingForDrain.delete(to);
      if (!this.isClosed) from.resume();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private whenDrained(socket: Socket): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  private onFrameTooLarge(side: 'client' | 'broker', error: FrameTooLargeError): void {
    this.event({ kind: 'frameTooLarge', detail: `${side}: ${error.message}` });
    this.close(`${side} sent an oversized frame`);
  }

  private event(event: Omit<ProxyEventInput, 'connectionId' | 'nodeId'>): void {
    this.owner.record({ connectionId: this.id, nodeId: this.nodeId, ...event } as ProxyEventInput);
  }
}
