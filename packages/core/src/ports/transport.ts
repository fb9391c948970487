import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
} from '@idem/codec';

/**
 * Everything the core needs from the network, and nothing more. An adapter (the in-process memory broker, a TCP
 * client, kafkajs) implements it; the core never opens a socket itself.
 *
 * A rejected `produce()` means "outcome unknown" — the broker may or may not have appended the batches — unless
 * the error has `notSent: true`, which promises the request never left this process.
 */
export interface Transport {
  /** Cluster metadata for `topics` (brokers, partitions, leaders) from any reachable broker. */
  metadata(topics: readonly string[]): Promise<MetadataResponse>;
  /**
   * Optional: Metadata from a broker the core chose. With it, a request that times out drops just that broker's
   * connection (a silent connection blocks every request queued behind it); without it the core must drop
   * every known broker's connection, since it cannot tell which one is stuck.
   */
  metadataOn?(nodeId: number, topics: readonly string[]): Promise<MetadataResponse>;
  /**
   * A producer id from any broker. The transport should not keep asking the same broker after it failed: a
   * broker that accepts connections but never answers must not wedge the producer (platformatic#317).
   */
  initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse>;
  /**
   * Optional: InitProducerId sent to a broker the core chose. When present, the core picks the broker itself and
   * moves to another one after a timeout or a retriable error.
   */
  initProducerIdOn?(nodeId: number, request: InitProducerIdRequest): Promise<InitProducerIdResponse>;
  /** One Produce request to broker `nodeId`; requests to one broker are answered in the order they were sent. */
  produce(nodeId: number, request: ProduceRequest): Promise<ProduceResponse>;
  /** Drop the connection to nodeId: requests in flight on it reject. The core calls it after a request timeout. */
  disconnect(nodeId: number): void;
  /** Releases every connection. Called once, last in Producer.close, when no send is pending any more. */
  close(): Promise<void>;
}

/** The shape of a transport error that promises the request was never written to the network. */
export interface NotSentError {
  readonly notSent: true;
}

/**
 * Why a connection can never succeed by retrying: the broker refused our credentials (SASL), our principal is not
 * allowed to connect, or the TLS handshake failed. docs/design.md §"Connection errors no retry can fix".
 */
export type FatalConnectionCause = 'authentication' | 'authorization' | 'tls';

/**
 * The shape of a transport rejection that no retry can fix. The request was not sent (`notSent: true`); the core
 * fails the affected sends at once with a typed, non-retriable ConnectionRefusedError naming the cause, instead of
 * retrying until a timeout hides it. A structural shape, so transports need not depend on @idem/core.
 */
export interface FatalConnectionError {
  readonly notSent: true;
  readonly fatalConnection: FatalConnectionCause;
  readonly message: string;
}

/** The cause, when a transport rejection is a connection error that no retry can fix; otherwise null. */
export function fatalConnectionCause(error: unknown): FatalConnectionCause | null {
  if (typeof error !== 'object' || error === null) return null;
  const cause = (error as { fatalConnection?: unknown }).fatalConnection;
  return cause === 'authentication' || cause === 'authorization' || cause === 'tls' ? cause : null;
}

/** Whether a rejection from `Transport.produce` proves the request never left this process. */
export function isNotSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Partial<NotSentError>).notSent === true;
}

/** Time, injected so that tests and the simulator run on a virtual clock. The core reads time nowhere else. */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin); never decreases. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds of this clock from now; returns a handle for clearTimeout. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from setTimeout; must ignore a handle whose timer already ran or was cleared. */
  clearTimeout(handle: unknown): void;
}

/** Randomness, injected so that simulations are reproducible from a seed. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}
