// The one place that understands the responses in which brokers advertise their addresses: Metadata, FindCoordinator
// and DescribeCluster, and the KIP-951 NodeEndpoints that Produce v10+ and Fetch v16+ responses carry in tag 0 of
// their top-level tagged fields (the new leader's address, sent with NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH so
// the client need not wait for a Metadata round trip). Clients dial whatever these say, so the proxy must substitute
// its own listeners or every connection after bootstrap would bypass it.
//
// This is a targeted parser, not a full decoder: in every one of these responses the host string and the port int32
// are adjacent, so it records where each (host, port) pair sits, and rewriting copies every other byte verbatim
// (tagged fields, racks, topics, records, whatever a later version adds after them). NodeEndpoints sit inside a
// tagged field, so their section's size prefix is recomputed too when a host changes length. Produce and Fetch
// responses are walked field by field (records are skipped by their length, never read) to reach the top-level
// tagged fields; responses without NodeEndpoints, and versions before 10 / 16, come out as no slots at all.
// Versions it does not know are reported as unsupported rather than guessed at; the caller decides what to do with
// them (see UNKNOWN_VERSIONS_PASS_THROUGH).
import { InvalidLengthError, InvalidValueError, Reader, Writer } from '@idem/codec';
import { ApiKey, isFlexible } from './api-keys.js';
import type { HostPort } from './loopback.js';
import { skipTaggedFields } from './tagged-fields.js';

/** Highest version of each API whose layout this module knows (Apache Kafka 4.3.0's schemas). */
export const MAX_KNOWN_VERSION: Readonly<Record<number, number>> = {
  [ApiKey.Metadata]: 13,
  [ApiKey.FindCoordinator]: 6,
  [ApiKey.DescribeCluster]: 2,
  [ApiKey.Produce]: 13,
  [ApiKey.Fetch]: 18,
};

/** First version whose response may carry NodeEndpoints (tag 0 of the top-level tagged fields). */
export const FIRST_NODE_ENDPOINTS_VERSION: Readonly<Record<number, number>> = {
  [ApiKey.Produce]: 10,
  [ApiKey.Fetch]: 16,
};

/**
 * APIs whose responses of an unknown version are forwarded as they are (with an `unknownVersion` event) instead of
 * closing the connection. Metadata, FindCoordinator and DescribeCluster always advertise addresses, so forwarding
 * one unrewritten is a certain bypass and the proxy fails closed. Produce and Fetch carry addresses only as a hint
 * after a leader change, and are most of the traffic: cutting every one of them would make the proxy unusable with
 * a client newer than this module, for a bypass that happens only on a leader change.
 */
export const UNKNOWN_VERSIONS_PASS_THROUGH: ReadonlySet<number> = new Set([ApiKey.Produce, ApiKey.Fetch]);

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

/** A tagged field holding every slot: its uvarint size prefix must follow the length of what it holds. */
export interface SizedSection {
  /** Offset of the size prefix. */
  readonly sizeStart: number;
  /** Offset of the field's data, just past the size prefix. */
  readonly dataStart: number;
  /** Offset just past the data. */
  readonly end: number;
}

export interface AdvertisedAddresses {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly compact: boolean;
  readonly slots: readonly AddressSlot[];
  /** Set when the slots lie inside a tagged field (NodeEndpoints). */
  readonly section?: SizedSection;
}

/** Whether responses of this API carry broker addresses the proxy must rewrite. */
export function advertisesAddresses(apiKey: number): boolean {
  return MAX_KNOWN_VERSION[apiKey] !== undefined;
}

/** Whether this API's responses carry broker addresses only as KIP-951 NodeEndpoints (Produce, Fetch). */
export function hasNodeEndpoints(apiKey: number): boolean {
  return FIRST_NODE_ENDPOINTS_VERSION[apiKey] !== undefined;
}

/** Whether an unknown version of this API's responses is forwarded unrewritten rather than failing closed. */
export function passesUnknownVersions(apiKey: number): boolean {
  return UNKNOWN_VERSIONS_PASS_THROUGH.has(apiKey);
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
  const firstEndpoints = FIRST_NODE_ENDPOINTS_VERSION[apiKey];
  if (firstEndpoints !== undefined && apiVersion < firstEndpoints) {
    // Before KIP-951 these responses name no broker address: nothing to read.
    return { apiKey, apiVersion, compact: isFlexible(apiKey, apiVersion), slots: [] };
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
    case ApiKey.Produce: {
      // v10+ only (see above): flexible, so compact everywhere.
      const topics = arrayLength('responses');
      for (let t = 0; t < topics; t++) {
        const topic = `responses[${t}]`;
        if (apiVersion >= 13) reader.skip(16, `${topic}.topicId`);
        else str(`${topic}.name`);
        const partitions = arrayLength(`${topic}.partitionResponses`);
        for (let p = 0; p < partitions; p++) {
          const field = `${topic}.partitionResponses[${p}]`;
          reader.int32(`${field}.index`);
          reader.int16(`${field}.errorCode`);
          reader.skip(8, `${field}.baseOffset`);
          reader.skip(8, `${field}.logAppendTimeMs`);
          reader.skip(8, `${field}.logStartOffset`);
          const errors = arrayLength(`${field}.recordErrors`);
          for (let e = 0; e < errors; e++) {
            reader.int32(`${field}.recordErrors[${e}].batchIndex`);
            nullableStr(`${field}.recordErrors[${e}].batchIndexErrorMessage`);
            skipTaggedFields(reader, `${field}.recordErrors[${e}].taggedFields`);
          }
          nullableStr(`${field}.errorMessage`);
          skipTaggedFields(reader, `${field}.taggedFields`); // currentLeader (tag 0): ids, no address
        }
        skipTaggedFields(reader, `${topic}.taggedFields`);
      }
      reader.int32('throttleTimeMs');
      return { apiKey, apiVersion, compact, slots, ...nodeEndpoints(reader, slots) };
    }
    case ApiKey.Fetch: {
      // v16+ only (see above).
      reader.int32('throttleTimeMs');
      reader.int16('errorCode');
      reader.int32('sessionId');
      const topics = arrayLength('responses');
      for (let t = 0; t < topics; t++) {
        const topic = `responses[${t}]`;
        reader.skip(16, `${topic}.topicId`);
        const partitions = arrayLength(`${topic}.partitions`);
        for (let p = 0; p < partitions; p++) {
          const field = `${topic}.partitions[${p}]`;
          reader.int32(`${field}.partitionIndex`);
          reader.int16(`${field}.errorCode`);
          reader.skip(8, `${field}.highWatermark`);
          reader.skip(8, `${field}.lastStableOffset`);
          reader.skip(8, `${field}.logStartOffset`);
          const aborted = arrayLength(`${field}.abortedTransactions`); // -1: null
          for (let a = 0; a < aborted; a++) {
            reader.skip(8, `${field}.abortedTransactions[${a}].producerId`);
            reader.skip(8, `${field}.abortedTransactions[${a}].firstOffset`);
            skipTaggedFields(reader, `${field}.abortedTransactions[${a}].taggedFields`);
          }
          reader.int32(`${field}.preferredReadReplica`);
          reader.compactNullableBytes(`${field}.records`); // a view: the records are skipped, not parsed
          skipTaggedFields(reader, `${field}.taggedFields`); // divergingEpoch, currentLeader, snapshotId
        }
        skipTaggedFields(reader, `${topic}.taggedFields`);
      }
      return { apiKey, apiVersion, compact, slots, ...nodeEndpoints(reader, slots) };
    }
  }
  return { apiKey, apiVersion, compact, slots };
}

/**
 * Reads the top-level tagged fields of a Produce v10+ / Fetch v16+ response and, when tag 0 (NodeEndpoints) is
 * there, pushes a slot per endpoint and returns the tagged field's position. Other tags are stepped over.
 */
function nodeEndpoints(reader: Reader, slots: AddressSlot[]): { section?: SizedSection } {
  const count = reader.uvarint('taggedFields.count');
  let section: SizedSection | undefined;
  for (let i = 0; i < count; i++) {
    const tagAt = reader.offset;
    const tag = reader.uvarint(`taggedFields[${i}].tag`);
    const sizeStart = reader.offset;
    const size = reader.uvarint(`taggedFields[${i}].size`);
    const dataStart = reader.offset;
    const data = reader.sub(size, `taggedFields[${i}].data`);
    if (tag !== 0) continue;
    if (section !== undefined) {
      throw new InvalidValueError(
        reader.message('nodeEndpoints', `tag 0 repeated at offset ${tagAt}`),
        'nodeEndpoints',
        tagAt,
      );
    }
    const endpoints = data.compactArrayLength('nodeEndpoints');
    for (let e = 0; e < endpoints; e++) {
      const field = `nodeEndpoints[${e}]`;
      const nodeId = data.int32(`${field}.nodeId`);
      const start = data.offset;
      const host = data.compactString(`${field}.host`);
      const port = data.int32(`${field}.port`);
      slots.push({ nodeId, host, port, start, end: data.offset });
      data.compactNullableString(`${field}.rack`);
      skipTaggedFields(data, `${field}.taggedFields`);
    }
    if (data.remaining !== 0) {
      throw new InvalidLengthError(
        data.message('nodeEndpoints', `${data.remaining} bytes left over in a ${size}-byte tagged field`),
        'nodeEndpoints',
        data.offset,
      );
    }
    section = { sizeStart, dataStart, end: data.end };
  }
  return section === undefined ? {} : { section };
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
  const { section } = found;
  if (section === undefined) {
    splice(out, frame, 4, frame.length, found, replace);
  } else {
    out.raw(frame.subarray(4, section.sizeStart));
    const data = new Writer(section.end - section.dataStart + 64);
    splice(data, frame, section.dataStart, section.end, found, replace);
    // Same length: keep the size bytes as they were (even a non-minimal varint); else write the new size.
    if (data.length === section.end - section.dataStart)
      out.raw(frame.subarray(section.sizeStart, section.dataStart));
    else out.uvarint(data.length);
    out.raw(data.view());
    out.raw(frame.subarray(section.end));
  }
  out.setInt32At(0, out.length - 4);
  return out.toBuffer();
}

/** Copies frame[from, to) to `out`, each slot in that range replaced by `replace(slot)` unless it returns null. */
function splice(
  out: Writer,
  frame: Buffer,
  from: number,
  to: number,
  found: AdvertisedAddresses,
  replace: (slot: AddressSlot) => HostPort | null,
): void {
  let copied = from;
  for (const slot of found.slots) {
    if (slot.start < from || slot.end > to) continue;
    const next = replace(slot);
    if (next === null) continue;
    out.raw(frame.subarray(copied, slot.start));
    if (found.compact) out.compactString(next.host);
    else out.string(next.host);
    out.int32(next.port);
    copied = slot.end;
  }
  out.raw(frame.subarray(copied, to));
}
