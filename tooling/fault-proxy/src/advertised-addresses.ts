// The one place that understands the responses in which brokers advertise their addresses: Metadata, FindCoordinator
// and DescribeCluster. Clients dial whatever these say, so the proxy must substitute its own listeners or every
// connection after bootstrap would bypass it.
//
// This is a targeted parser, not a full decoder: in every one of these responses the host string and the port int32
// are adjacent, so it records where each (host, port) pair sits, and rewriting copies every other byte verbatim
// (tagged fields, racks, topics, whatever a later version adds after them). Versions it does not know are reported
// as unsupported rather than guessed at.
import { Reader, Writer } from '@idem/codec';
import { ApiKey, isFlexible } from './api-keys.js';
import type { HostPort } from './loopback.js';
import { skipTaggedFields } from './tagged-fields.js';

/** Highest version of each API whose layout this module knows (Apache Kafka 4.3.0's schemas). */
export const MAX_KNOWN_VERSION: Readonly<Record<number, number>> = {
  [ApiKey.Metadata]: 13,
  [ApiKey.FindCoordinator]: 6,
  [ApiKey.DescribeCluster]: 2,
};

/** One advertised (host, port) pair and where its bytes sit in the frame. */
export interface AddressSlot {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  /** Offset of the host string's length prefix in the frame. */
  readonly start: number;
  /** Offset just past the port. */
  readonly end: number;
}

export interface AdvertisedAddresses {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly compact: boolean;
  readonly slots: readonly AddressSlot[];
}

/** Whether responses of this API carry broker addresses the proxy must rewrite. */
export function advertisesAddresses(apiKey: number): boolean {
  return MAX_KNOWN_VERSION[apiKey] !== undefined;
}

/** Whether the proxy knows the layout of this response version. */
export function isKnownVersion(apiKey: number, apiVersion: number): boolean {
  const max = MAX_KNOWN_VERSION[apiKey];
  return max !== undefined && apiVersion >= 0 && apiVersion <= max;
}

/**
 * Finds the advertised addresses in a whole response frame (size prefix included). Throws a CodecError when the
 * bytes do not match the layout of `apiKey` v`apiVersion`, or when the version is unknown.
 */
export function findAdvertisedAddresses(
  frame: Buffer,
  apiKey: number,
  apiVersion: number,
): AdvertisedAddresses {
  if (!isKnownVersion(apiKey, apiVersion)) {
    throw new Error(`fault proxy: no known layout for apiKey ${apiKey} v${apiVersion}`);
  }
  const compact = isFlexible(apiKey, apiVersion);
  const reader = new Reader(frame, 4);
  reader.context = `apiKey ${apiKey} v${apiVersion} response`;
  reader.int32('header.correlationId');
  if (compact) skipTaggedFields(reader, 'header.taggedFields');
  const slots: AddressSlot[] = [];
  const str = (field: string): string => (compact ? reader.compactString(field) : reader.string(field));
  const nullableStr = (field: string): string | null =>
    compact ? reader.compactNullableString(field) : reader.nullableString(field);
  const arrayLength = (field: string): number =>
    compact ? reader.compactArrayLength(field) : reader.arrayLength(field);
  const slot = (nodeId: number, field: string): void => {
    const start = reader.offset;
    const host = str(`${field}.host`);
    const port = reader.int32(`${field}.port`);
    slots.push({ nodeId, host, port, start, end: reader.offset });
  };

  switch (apiKey) {
    case ApiKey.Metadata: {
      if (apiVersion >= 3) reader.int32('throttleTimeMs');
      const count = arrayLength('brokers');
      for (let i = 0; i < count; i++) {
        const field = `brokers[${i}]`;
        const nodeId = reader.int32(`${field}.nodeId`);
        slot(nodeId, field);
        if (apiVersion >= 1) nullableStr(`${field}.rack`);
        if (compact) skipTaggedFields(reader, `${field}.taggedFields`);
      }
      break;
    }
    case ApiKey.FindCoordinator: {
      if (apiVersion >= 1) reader.int32('throttleTimeMs');
      if (apiVersion <= 3) {
        reader.int16('errorCode');
        if (apiVersion >= 1) nullableStr('errorMessage');
        const nodeId = reader.int32('nodeId');
        slot(nodeId, 'coordinator');
      } else {
        const count = arrayLength('coordinators');
        for (let i = 0; i < count; i++) {
          const field = `coordinators[${i}]`;
          str(`${field}.key`);
          const nodeId = reader.int32(`${field}.nodeId`);
          slot(nodeId, field);
          reader.int16(`${field}.errorCode`);
          nullableStr(`${field}.errorMessage`);
          skipTaggedFields(reader, `${field}.taggedFields`);
        }
      }
      break;
    }
    case ApiKey.DescribeCluster: {
      reader.int32('throttleTimeMs');
      reader.int16('errorCode');
      nullableStr('errorMessage');
      if (apiVersion >= 1) reader.int8('endpointType');
      str('clusterId');
      reader.int32('controllerId');
      const count = arrayLength('brokers');
      for (let i = 0; i < count; i++) {
        const field = `brokers[${i}]`;
        const nodeId = reader.int32(`${field}.brokerId`);
        slot(nodeId, field);
        nullableStr(`${field}.rack`);
        if (apiVersion >= 2) reader.bool(`${field}.isFenced`);
        skipTaggedFields(reader, `${field}.taggedFields`);
      }
      break;
    }
  }
  return { apiKey, apiVersion, compact, slots };
}

/**
 * A new frame in which each slot's (host, port) is replaced by `replace(slot)` (or kept when it returns null) and
 * every other byte is copied as it was; the size prefix is recomputed.
 */
export function rewriteAddresses(
  frame: Buffer,
  found: AdvertisedAddresses,
  replace: (slot: AddressSlot) => HostPort | null,
): Buffer {
  const out = new Writer(frame.length + 64);
  out.int32(0);
  let copied = 4;
  for (const slot of found.slots) {
    const next = replace(slot);
    if (next === null) continue;
    out.raw(frame.subarray(copied, slot.start));
    if (found.compact) out.compactString(next.host);
    else out.string(next.host);
    out.int32(next.port);
    copied = slot.end;
  }
  out.raw(frame.subarray(copied));
  out.setInt32At(0, out.length - 4);
  return out.toBuffer();
}
