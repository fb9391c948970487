/** Errors a client of the in-process broker sees when a connection fails, shaped like Node's socket errors. */

export class BrokerConnectionError extends Error {
  constructor(
    message: string,
    /** Node-style code: 'ECONNRESET', 'ECONNREFUSED', 'ERR_CLIENT_CLOSED', or 'EAUTH' (authentication refused). */
    readonly code: string,
    readonly nodeId: number,
    /** True only when the request provably never reached the broker (refused or refused locally). */
    readonly notSent: boolean,
    /**
     * Set when no retry can fix it: @idem/core's FatalConnectionError shape (src/ports/transport.ts), matched
     * structurally so the broker needs no dependency on the core.
     */
    readonly fatalConnection?: 'authentication',
  ) {
    super(message);
    this.name = 'BrokerConnectionError';
  }
}

/** The broker refused the client's credentials when it opened a connection: nothing was sent, no retry helps. */
export function authenticationFailed(nodeId: number, clientId: string): BrokerConnectionError {
  return new BrokerConnectionError(
    `broker ${nodeId} refused authentication for client '${clientId}' (SASL authentication failed: invalid credentials)`,
    'EAUTH',
    nodeId,
    true,
    'authentication',
  );
}

/** The connection dropped with the request in flight: the outcome is unknown. */
export function connectionReset(nodeId: number, connectionId: string, reason: string): BrokerConnectionError {
  return new BrokerConnectionError(
    `connection ${connectionId} to broker ${nodeId} was reset (${reason})`,
    'ECONNRESET',
    nodeId,
    false,
  );
}

/** The broker is down: nothing was sent. */
export function connectionRefused(nodeId: number): BrokerConnectionError {
  return new BrokerConnectionError(
    `broker ${nodeId} refused the connection (it is down)`,
    'ECONNREFUSED',
    nodeId,
    true,
  );
}

/** The client was closed before the request was sent. */
export function clientClosed(nodeId: number): BrokerConnectionError {
  return new BrokerConnectionError('the memory-broker client is closed', 'ERR_CLIENT_CLOSED', nodeId, true);
}
