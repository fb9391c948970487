import { apis } from '@idem/codec';
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody, NoCommonVersionError, pickVersion } from '../src/transport/api-versions.js';

const kafka43 = {
  0: { minVersion: 0, maxVersion: 13 },
  3: { minVersion: 0, maxVersion: 13 },
  22: { minVersion: 0, maxVersion: 6 },
};

describe('pickVersion', () => {
  it('takes the highest non-flexible version by default', () => {
    expect(pickVersion(apis.Produce, kafka43, { max: 12, flexible: false })).toBe(8);
    expect(pickVersion(apis.Metadata, kafka43, { max: 13, flexible: false })).toBe(8);
    expect(pickVersion(apis.InitProducerId, kafka43, { max: 6, flexible: false })).toBe(1);
  });

  it('takes the highest version within the limit when flexible versions are allowed', () => {
    expect(pickVersion(apis.Produce, kafka43, { max: 12, flexible: true })).toBe(12);
    expect(pickVersion(apis.InitProducerId, kafka43, { max: 6, flexible: true })).toBe(
      Math.min(6, apis.InitProducerId.maxVersion),
    );
  });

  it('respects the broker range', () => {
    expect(
      pickVersion(apis.Produce, { 0: { minVersion: 3, maxVersion: 7 } }, { max: 12, flexible: true }),
    ).toBe(7);
  });

  it('fails when there is no version in common or the broker lacks the API', () => {
    expect(() =>
      pickVersion(apis.Produce, { 0: { minVersion: 9, maxVersion: 13 } }, { max: 12, flexible: false }),
    ).toThrow(NoCommonVersionError);
    expect(() => pickVersion(apis.Produce, {}, { max: 12, flexible: false })).toThrow(
      /does not list Produce/,
    );
    expect(() => pickVersion(apis.Produce, null, { max: 12, flexible: false })).toThrow(NoCommonVersionError);
  });
});

describe('bodies in kafkajs frames', () => {
  const response = {
    responses: [
      {
        name: 'topic-a',
        partitionResponses: [
          { index: 1, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: 0n },
        ],
      },
    ],
    throttleTimeMs: 3,
  };

  /** What kafkajs hands to response.decode: the frame without its size and correlation id. */
  const payloadOf = (version: number) =>
    Buffer.from(apis.Produce.response.encodeFrame(version, 9, response)).subarray(8);

  for (const version of [8, 9, 12]) {
    it(`decodes a Produce v${version} response payload`, () => {
      const decoded = decodeBody(apis.Produce, version, payloadOf(version));
      expect(decoded.throttleTimeMs).toBe(3);
      expect(decoded.responses[0]?.partitionResponses[0]?.baseOffset).toBe(42n);
    });
  }

  it('skips tagged fields in a flexible response header', () => {
    // correlation id, then a header tagged-field section holding one field (tag 3, 2 bytes), then the body.
    const body = apis.Produce.response.encode(9, response);
    const payload = Buffer.concat([Buffer.from([1, 3, 2, 0xaa, 0xbb]), body]);
    expect(decodeBody(apis.Produce, 9, payload).responses[0]?.partitionResponses[0]?.baseOffset).toBe(42n);
  });

  it('prefixes flexible request bodies with one empty tagged-field byte and leaves the others alone', () => {
    const value = { transactionalId: null, acks: -1, timeoutMs: 1, topicData: [] };
    expect(encodeBody(apis.Produce, 8, value).equals(apis.Produce.request.encode(8, value))).toBe(true);
    const flexible = encodeBody(apis.Produce, 9, value);
    expect(flexible[0]).toBe(0);
    expect(flexible.subarray(1).equals(apis.Produce.request.encode(9, value))).toBe(true);
  });
});
