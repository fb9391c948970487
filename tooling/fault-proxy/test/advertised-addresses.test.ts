import { CodecError } from '@idem/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAdvertisedAddresses, rewriteAddresses } from '../src/advertised-addresses.js';
import { responseVectors } from './helpers/wire-vectors.js';

const seed = process.env.IDEM_SEED ? Number(process.env.IDEM_SEED) : 20_240_601;
const moveToLoopback = (slot: { nodeId: number }) =>
  slot.nodeId < 0 ? null : { host: '127.0.0.1', port: 40_000 + slot.nodeId };

describe('advertised addresses (against Kafka 4.3.0 bytes)', () => {
  it('covers every version of Metadata, FindCoordinator and DescribeCluster', () => {
    const versions = (api: string) => responseVectors.filter((v) => v.api === api).map((v) => v.version);
    expect(new Set(versions('Metadata'))).toEqual(new Set(Array.from({ length: 14 }, (_, i) => i)));
    expect(new Set(versions('FindCoordinator'))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(new Set(versions('DescribeCluster'))).toEqual(new Set([0, 1, 2]));
  });

  for (const vector of responseVectors) {
    const label = `${vector.api} v${vector.version} ${vector.name}`;
    const frame = Buffer.from(vector.hex, 'hex');

    it(`${label}: finds the advertised brokers`, () => {
      const found = findAdvertisedAddresses(frame, vector.apiKey, vector.version);
      expect(found.slots.map(({ nodeId, host, port }) => ({ nodeId, host, port }))).toEqual(vector.brokers);
    });

    it(`${label}: rewrites to exactly the bytes Kafka writes for the moved brokers`, () => {
      const found = findAdvertisedAddresses(frame, vector.apiKey, vector.version);
      expect(rewriteAddresses(frame, found, moveToLoopback).toString('hex')).toBe(vector.rewrittenHex);
    });

    it(`${label}: an identity rewrite changes no byte`, () => {
      const found = findAdvertisedAddresses(frame, vector.apiKey, vector.version);
      const same = rewriteAddresses(frame, found, ({ host, port }) => ({ host, port }));
      expect(same.toString('hex')).toBe(vector.hex);
    });

    it(`${label}: every truncation fails with a CodecError`, () => {
      const found = findAdvertisedAddresses(frame, vector.apiKey, vector.version);
      const lastSlotEnd = found.slots.at(-1)?.end ?? 8;
      // Bytes after the last broker are copied, not read, so only cuts before that point are detectable.
      for (let end = 4; end < lastSlotEnd; end++) {
        expect(() => findAdvertisedAddresses(frame.subarray(0, end), vector.apiKey, vector.version)).toThrow(
          CodecError,
        );
      }
    });
  }

  it('corrupted bytes never throw anything but a CodecError', () => {
    const vectors = responseVectors.map((v) => ({ ...v, frame: Buffer.from(v.hex, 'hex') }));
    fc.assert(
      fc.property(
        fc.constantFrom(...vectors),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (vector, edits) => {
          const bytes = Buffer.from(vector.frame);
          for (const [at, value] of edits) bytes[4 + (at % (bytes.length - 4))] = value;
          try {
            const found = findAdvertisedAddresses(bytes, vector.apiKey, vector.version);
            for (const slot of found.slots) expect(slot.end).toBeLessThanOrEqual(bytes.length);
          } catch (error) {
            expect(error).toBeInstanceOf(CodecError);
          }
        },
      ),
      { seed, numRuns: 2_000 },
    );
  });

  it('refuses versions whose layout it does not know', () => {
    const vector = responseVectors.find((v) => v.api === 'Metadata' && v.version === 13);
    const frame = Buffer.from(vector?.hex ?? '', 'hex');
    expect(() => findAdvertisedAddresses(frame, 3, 14)).toThrow(/no known layout/);
    expect(() => findAdvertisedAddresses(frame, 0, 14)).toThrow(/no known layout/);
    expect(() => findAdvertisedAddresses(frame, 18, 0)).toThrow(/no known layout/);
  });
});
