// KIP-951 NodeEndpoints in Produce v10+ and Fetch v16+ responses (tag 0 of the top-level tagged fields): found and
// rewritten like Metadata's brokers, every other byte as it was. Frames are written by @idem/codec, and the rewritten
// frames are decoded by it again, so the check does not rest on the proxy's own reading of the layout.
import { apis, CodecError, type FetchResponseInput, type ProduceResponseInput } from '@idem/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AddressSlot,
  findAdvertisedAddresses,
  isKnownVersion,
  passesUnknownVersions,
  rewriteAddresses,
} from '../src/advertised-addresses.js';

const seed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 20_240_601;
const PRODUCE = 0;
const FETCH = 1;
const TOPIC_ID = '5f0c2a44-9c1e-4d52-8a3b-0e6f2c7d9b11';
const OTHER_TOPIC_ID = '0b3e9f60-1d2a-4c8e-9f7a-6a5b4c3d2e1f';

interface Endpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Brokers as a cluster advertises them: hosts of different lengths than the proxy's, one without a rack. */
const ENDPOINTS: Endpoint[] = [
  { nodeId: 2, host: 'broker-2.kafka.internal.example', port: 9092, rack: 'eu-west-1a' },
  { nodeId: 3, host: 'b3', port: 19_093, rack: null },
];

/** Enough endpoints that the tagged field's size needs a 2-byte varint before the rewrite and 1 byte after. */
const MANY_ENDPOINTS: Endpoint[] = Array.from({ length: 4 }, (_, i) => ({
  nodeId: 10 + i,
  host: `a-rather-long-broker-name-${i}.example`,
  port: 9092,
  rack: null,
}));

/** Where the proxy's listeners would be. */
const proxyAddress = (slot: { nodeId: number }) => ({ host: '127.0.0.1', port: 40_000 + slot.nodeId });

// Not tag 0: must be stepped over and kept.
const EXTRA_TAG = { tag: 7, data: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) };

function produceValue(version: number, endpoints: Endpoint[] | undefined): ProduceResponseInput {
  const topic = (name: string, id: string) => (version >= 13 ? { topicId: id } : { name });
  return {
    responses: [
      {
        ...topic('orders', TOPIC_ID),
        partitionResponses: [
          {
            index: 0,
            errorCode: 6, // NOT_LEADER_OR_FOLLOWER
            baseOffset: -1n,
            logAppendTimeMs: -1n,
            logStartOffset: -1n,
            errorMessage: 'not the leader',
            currentLeader: { leaderId: 2, leaderEpoch: 17 },
          },
          {
            index: 1,
            errorCode: 0,
            baseOffset: 4_242n,
            logAppendTimeMs: 1_700_000_000_000n,
            logStartOffset: 12n,
            recordErrors: [{ batchIndex: 3, batchIndexErrorMessage: 'bad record' }],
          },
        ],
      },
      {
        ...topic('payments', OTHER_TOPIC_ID),
        partitionResponses: [
          { index: 5, errorCode: 6, baseOffset: -1n, currentLeader: { leaderId: 3, leaderEpoch: 2 } },
        ],
      },
    ],
    throttleTimeMs: 25,
    ...(endpoints === undefined ? {} : { nodeEndpoints: endpoints }),
    _unknownTaggedFields: [EXTRA_TAG],
  };
}

function fetchValue(_version: number, endpoints: Endpoint[] | undefined): FetchResponseInput {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 91,
    responses: [
      {
        topicId: TOPIC_ID,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 6,
            highWatermark: -1n,
            abortedTransactions: null,
            currentLeader: { leaderId: 2, leaderEpoch: 9 },
            records: null,
          },
          {
            partitionIndex: 1,
            errorCode: 0,
            highWatermark: 100n,
            lastStableOffset: 90n,
            logStartOffset: 0n,
            divergingEpoch: { epoch: 4, endOffset: 80n },
            abortedTransactions: [{ producerId: 7n, firstOffset: 33n }],
            preferredReadReplica: 3,
            // Not a real batch: the proxy must skip it by its length without looking inside.
            records: Buffer.from('host-lookalike b3 port 9092 records bytes'),
          },
        ],
      },
    ],
    ...(endpoints === undefined ? {} : { nodeEndpoints: endpoints }),
    _unknownTaggedFields: [EXTRA_TAG],
  };
}

interface Case {
  readonly api: 'Produce' | 'Fetch';
  readonly apiKey: number;
  readonly version: number;
  encode(endpoints: Endpoint[] | undefined): Buffer;
  decode(frame: Buffer): { correlationId: number; body: { nodeEndpoints: Endpoint[] } & object };
}

const CORRELATION_ID = 0x1234_5678;

function produceCase(version: number): Case {
  return {
    api: 'Produce',
    apiKey: PRODUCE,
    version,
    encode: (endpoints) =>
      apis.Produce.response.encodeFrame(version, CORRELATION_ID, produceValue(version, endpoints)),
    decode: (frame) => apis.Produce.response.decodeFrame(version, frame),
  };
}

function fetchCase(version: number): Case {
  return {
    api: 'Fetch',
    apiKey: FETCH,
    version,
    encode: (endpoints) =>
      apis.Fetch.response.encodeFrame(version, CORRELATION_ID, fetchValue(version, endpoints)),
    decode: (frame) => apis.Fetch.response.decodeFrame(version, frame),
  };
}

const CASES: Case[] = [...[10, 11, 12, 13].map(produceCase), ...[16, 17, 18].map(fetchCase)];

const plain = (slots: readonly AddressSlot[]) =>
  slots.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
const moved = (endpoints: Endpoint[]) => endpoints.map((e) => ({ ...e, ...proxyAddress(e) }));

describe('NodeEndpoints in Produce and Fetch responses', () => {
  it('the frames under test really carry NodeEndpoints in tag 0 when asked to, and the extra tag always', () => {
    for (const c of CASES) {
      const withEndpoints = c.decode(c.encode(ENDPOINTS)).body as unknown as {
        nodeEndpoints: Endpoint[];
        _unknownTaggedFields?: { tag: number }[];
      };
      expect(withEndpoints.nodeEndpoints).toEqual(ENDPOINTS);
      expect(withEndpoints._unknownTaggedFields?.map((t) => t.tag)).toEqual([7]);
      expect(c.decode(c.encode(undefined)).body.nodeEndpoints).toEqual([]);
      // Tag 0 takes bytes only when there are endpoints.
      expect(c.encode(ENDPOINTS).length).toBeGreaterThan(c.encode(undefined).length + 40);
    }
  });

  for (const c of CASES) {
    const label = `${c.api} v${c.version}`;

    for (const [name, endpoints] of [
      ['two endpoints', ENDPOINTS],
      ['endpoints whose section shrinks from a 2-byte size', MANY_ENDPOINTS],
    ] as const) {
      it(`${label}, ${name}: finds every endpoint`, () => {
        const found = findAdvertisedAddresses(c.encode(endpoints), c.apiKey, c.version);
        expect(plain(found.slots)).toEqual(
          endpoints.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
        );
        expect(found.section).toBeDefined();
      });

      it(`${label}, ${name}: rewrites host and port to the proxy's listeners, every other byte as it was`, () => {
        const frame = c.encode(endpoints);
        const rewritten = rewriteAddresses(
          frame,
          findAdvertisedAddresses(frame, c.apiKey, c.version),
          proxyAddress,
        );
        const before = c.decode(frame);
        const after = c.decode(rewritten);
        expect(after.correlationId).toBe(CORRELATION_ID);
        expect(after.body.nodeEndpoints).toEqual(moved([...endpoints]));
        // Everything else decodes the same...
        expect({ ...after.body, nodeEndpoints: null }).toEqual({ ...before.body, nodeEndpoints: null });
        // ...and the bytes are exactly what Kafka's layout gives for the moved endpoints (size prefixes included).
        expect(rewritten.toString('hex')).toBe(c.encode(moved([...endpoints])).toString('hex'));
        expect(rewritten.length).not.toBe(frame.length);
      });

      it(`${label}, ${name}: an identity rewrite changes no byte`, () => {
        const frame = c.encode(endpoints);
        const found = findAdvertisedAddresses(frame, c.apiKey, c.version);
        const same = rewriteAddresses(frame, found, ({ host, port }) => ({ host, port }));
        expect(same.toString('hex')).toBe(frame.toString('hex'));
      });
    }

    it(`${label}, the size prefix of tag 0 really changes width when the endpoints shrink`, () => {
      const frame = c.encode(MANY_ENDPOINTS);
      const found = findAdvertisedAddresses(frame, c.apiKey, c.version);
      const section = found.section as NonNullable<typeof found.section>;
      expect(section.dataStart - section.sizeStart).toBe(2);
      // Tag 7 (tag, size, data) follows tag 0 to the end of the frame.
      expect(section.end).toBe(frame.length - 2 - EXTRA_TAG.data.length);
      const rewritten = rewriteAddresses(frame, found, proxyAddress);
      const again = findAdvertisedAddresses(rewritten, c.apiKey, c.version).section;
      expect(again && again.dataStart - again.sizeStart).toBe(1);
    });

    it(`${label} without NodeEndpoints: no slot, and the frame comes back byte for byte`, () => {
      const frame = c.encode(undefined);
      const found = findAdvertisedAddresses(frame, c.apiKey, c.version);
      expect(found.slots).toEqual([]);
      expect(found.section).toBeUndefined();
      expect(rewriteAddresses(frame, found, proxyAddress).toString('hex')).toBe(frame.toString('hex'));
    });

    it(`${label}: a node the mapping leaves alone keeps its address`, () => {
      const frame = c.encode(ENDPOINTS);
      const found = findAdvertisedAddresses(frame, c.apiKey, c.version);
      const rewritten = rewriteAddresses(frame, found, (slot) =>
        slot.nodeId === 3 ? null : proxyAddress(slot),
      );
      expect(c.decode(rewritten).body.nodeEndpoints).toEqual([
        { ...ENDPOINTS[0], ...proxyAddress({ nodeId: 2 }) },
        ENDPOINTS[1],
      ]);
    });

    it(`${label}: every truncation fails with a CodecError`, () => {
      const frame = c.encode(ENDPOINTS);
      // The walk reaches the very end of the frame (the last tagged field), so every cut is noticed.
      for (let end = 4; end < frame.length; end++) {
        expect(() => findAdvertisedAddresses(frame.subarray(0, end), c.apiKey, c.version)).toThrow(
          CodecError,
        );
      }
    });

    it(`${label}: a size prefix written in more bytes than needed is kept when the length does not change`, () => {
      const frame = c.encode(ENDPOINTS);
      const section = findAdvertisedAddresses(frame, c.apiKey, c.version).section as NonNullable<
        ReturnType<typeof findAdvertisedAddresses>['section']
      >;
      const size = section.end - section.dataStart;
      expect(size).toBeLessThan(128);
      // The same size as a 2-byte varint (legal, if not minimal).
      const wide = Buffer.concat([
        frame.subarray(0, section.sizeStart),
        Buffer.from([0x80 | size, 0x00]),
        frame.subarray(section.dataStart),
      ]);
      wide.writeInt32BE(wide.length - 4, 0);
      const found = findAdvertisedAddresses(wide, c.apiKey, c.version);
      expect(plain(found.slots)).toEqual(plain(findAdvertisedAddresses(frame, c.apiKey, c.version).slots));
      const same = rewriteAddresses(wide, found, ({ host, port }) => ({ host, port }));
      expect(same.toString('hex')).toBe(wide.toString('hex'));
      // A change of length writes the size afresh (minimal), and the frame still decodes.
      const rewritten = rewriteAddresses(wide, found, proxyAddress);
      expect(c.decode(rewritten).body.nodeEndpoints).toEqual(moved(ENDPOINTS));
    });

    it(`${label}: a NodeEndpoints field with bytes left over is refused`, () => {
      const frame = c.encode(ENDPOINTS);
      const section = findAdvertisedAddresses(frame, c.apiKey, c.version).section as NonNullable<
        ReturnType<typeof findAdvertisedAddresses>['section']
      >;
      // One more byte inside tag 0: grow its size by one and append a byte to its data.
      const size = section.end - section.dataStart;
      expect(size).toBeLessThan(127);
      const bad = Buffer.concat([
        frame.subarray(0, section.sizeStart),
        Buffer.from([size + 1]),
        frame.subarray(section.dataStart, section.end),
        Buffer.from([0]),
        frame.subarray(section.end),
      ]);
      bad.writeInt32BE(bad.length - 4, 0);
      expect(() => findAdvertisedAddresses(bad, c.apiKey, c.version)).toThrow(/left over/);
    });
  }

  it('corrupted bytes never throw anything but a CodecError', () => {
    const frames = CASES.map((c) => ({ c, frame: c.encode(ENDPOINTS) }));
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        ({ c, frame }, edits) => {
          const bytes = Buffer.from(frame);
          for (const [at, value] of edits) bytes[4 + (at % (bytes.length - 4))] = value;
          try {
            const found = findAdvertisedAddresses(bytes, c.apiKey, c.version);
            for (const slot of found.slots) expect(slot.end).toBeLessThanOrEqual(bytes.length);
            rewriteAddresses(bytes, found, proxyAddress);
          } catch (error) {
            expect(error).toBeInstanceOf(CodecError);
          }
        },
      ),
      { seed, numRuns: 2_000 },
    );
  });

  it('versions before NodeEndpoints name no address and are not read', () => {
    const junk = Buffer.from('0000000800000001ffffffff', 'hex');
    for (const version of [0, 3, 9])
      expect(findAdvertisedAddresses(junk, PRODUCE, version).slots).toEqual([]);
    for (const version of [4, 12, 15])
      expect(findAdvertisedAddresses(junk, FETCH, version).slots).toEqual([]);
  });

  it('knows Produce up to v13 and Fetch up to v18; newer versions pass through rather than fail closed', () => {
    expect(isKnownVersion(PRODUCE, 13)).toBe(true);
    expect(isKnownVersion(PRODUCE, 14)).toBe(false);
    expect(isKnownVersion(FETCH, 18)).toBe(true);
    expect(isKnownVersion(FETCH, 19)).toBe(false);
    expect(passesUnknownVersions(PRODUCE)).toBe(true);
    expect(passesUnknownVersions(FETCH)).toBe(true);
    expect(passesUnknownVersions(3)).toBe(false); // Metadata fails closed
    const frame = produceCase(13).encode(ENDPOINTS);
    expect(() => findAdvertisedAddresses(frame, PRODUCE, 14)).toThrow(/no known layout/);
    expect(() => findAdvertisedAddresses(frame, FETCH, 19)).toThrow(/no known layout/);
  });
});
