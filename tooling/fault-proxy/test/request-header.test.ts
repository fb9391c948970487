import { CodecError, Writer } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { readRequestInfo, responseCorrelationId } from '../src/request-header.js';
import { requestVectors } from './helpers/wire-vectors.js';

describe('request header (against Kafka 4.3.0 bytes)', () => {
  it('covers Produce v3..v13, acks 0/1/-1, with and without a transactional id', () => {
    expect(new Set(requestVectors.map((v) => v.version))).toEqual(
      new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
    );
    expect(requestVectors).toHaveLength(11 * 3 * 2);
  });

  for (const vector of requestVectors) {
    it(`Produce v${vector.version} ${vector.name}`, () => {
      const info = readRequestInfo(Buffer.from(vector.hex, 'hex'));
      expect(info).toEqual({
        apiKey: 0,
        apiVersion: vector.version,
        correlationId: vector.correlationId,
        expectsResponse: vector.expectsResponse,
      });
    });
  }

  it('reads any other API from its first 8 header bytes and expects a response', () => {
    const frame = new Writer().int32(10).int16(3).int16(12).int32(-7).int16(-1).toBuffer();
    expect(readRequestInfo(frame)).toEqual({
      apiKey: 3,
      apiVersion: 12,
      correlationId: -7,
      expectsResponse: true,
    });
  });

  it('fails with a CodecError on a truncated header', () => {
    const vector = requestVectors[0];
    const frame = Buffer.from(vector?.hex ?? '', 'hex');
    for (let end = 4; end < 12; end++) {
      expect(() => readRequestInfo(frame.subarray(0, end))).toThrow(CodecError);
    }
  });

  it('reads a response correlation id, or null for a runt frame', () => {
    expect(responseCorrelationId(new Writer().int32(4).int32(99).toBuffer())).toBe(99);
    expect(responseCorrelationId(Buffer.from([0, 0, 0, 1, 5]))).toBeNull();
  });
});
