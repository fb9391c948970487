// The proxy is a test tool that can hold, drop and cut traffic: it must never become a way to reach (or be reached
// from) another machine. Every address it binds or dials goes through here.
import { isIPv4 } from 'node:net';

/** A host and port, as a Kafka broker advertises them. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Thrown when an address outside 127.0.0.0/8 and ::1 would be bound or dialled. */
export class NotLoopbackError extends Error {
  constructor(what: string, address: string) {
    super(`fault proxy: ${what} ${address} is not a loopback address (only 127.0.0.0/8 and ::1 are allowed)`);
    this.name = 'NotLoopbackError';
  }
}

/**
 * Whether `host` is a loopback IP literal, or the name `localhost`. Other names are refused rather than resolved:
 * a resolver could answer with anything.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (isIPv4(bare)) return bare.split('.')[0] === '127';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped?.[1] !== undefined && isIPv4(mapped[1]) && mapped[1].startsWith('127.');
}

/** The IP literal to actually dial or bind for a loopback host (`localhost` is pinned to 127.0.0.1). */
export function loopbackAddress(what: string, host: string): string {
  if (!isLoopbackHost(host)) throw new NotLoopbackError(what, host);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' ? '127.0.0.1' : bare;
}

/** Parses `host:port` (or `[v6]:port`) and checks the port range. */
export function parseHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new Error(`fault proxy: "${address}" is not host:port`);
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`fault proxy: "${address}" has no valid port`);
  }
  return { host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port };
}
