/** Errors a client of the in-process broker sees when a connection fails, shaped like Node's socket errors. */

export class BrokerConnectionError extends Error {
  constructor(
    message: string,
    /** Node-style code: 'ECONNRESET', 'ECONNREFUSED' or 'ERR_CLIENT_CLOSED'. */
    readonly code: string,
    readonly nodeId: number,
    /** True only when the request provably never reached the broker (refused or refused locally). */
    readonly notSent: boolean,
  ) {
    super(message);
    this.name = 'BrokerConnectionError';
  }
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
