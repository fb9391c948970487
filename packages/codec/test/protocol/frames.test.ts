import { describe, expect, test } from 'vitest';
import { CodecError } from '../../src/errors/codec-error.js';
import { apis } from '../../src/protocol/apis.generated.js';
import {
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  encodeUnsupportedApiVersionsResponse,
  peekCorrelationId,
} from '../../src/protocol/frames.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return hex(b);
};
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('hex');

const produceValue = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [{ name: 'orders', partitionData: [{ index: 0, records: Buffer.from('cafebabe', 'hex') }] }],
};

describe('header versions (Kafka: v2/v1 request headers iff the request version is flexible)', () => {
  // [api, last non-flexible version, first flexible version], from Kafka 4.3.0's flexibleVersions.
  const edges = [
    ['Produce', 8, 9],
    ['Metadata', 8, 9],
    ['ApiVersions', 2, 3],
    ['InitProducerId', 1, 2],
  ] as const;
  test.each(edges)('%s: v%i uses header v1/v0, v%i header v2/v1', (name, old, flexible) => {
    const api = apis[name];
    expect(api.request.headerVersion(old)).toBe(1);
    expect(api.request.headerVersion(flexible)).toBe(2);
    if (name !== 'ApiVersions') {
      expect(api.response.headerVersion(old)).toBe(0);
      expect(api.response.headerVersion(flexible)).toBe(1);
    }
  });

  test('DescribeProducers is flexible from v0', () => {
    expect(apis.DescribeProducers.request.headerVersion(0)).toBe(2);
    expect(apis.DescribeProducers.response.headerVersion(0)).toBe(1);
  });

  test('ApiVersions responses always use response header v0', () => {
    for (let v = 0; v <= 4; v++) expect(apis.ApiVersions.response.headerVersion(v)).toBe(0);
  });
});

describe('request frames', () => {
  test('Produce v8: size, header v1 (int16 clientId, no tagged fields), body', () => {
    const body = apis.Produce.request.encode(8, produceValue);
    const frame = apis.Produce.request.encodeFrame(
      { apiVersion: 8, correlationId: 7, clientId: 'idem' },
      produceValue,
    );
    const header = `0000` + `0008` + int32(7) + `0004${utf8('idem')}`;
    expect(hex(frame)).toBe(int32(header.length / 2 + body.length) + header + hex(body));
  });

  test('Produce v9: header v2 keeps the int16 clientId and adds an empty tagged-field section', () => {
    const body = apis.Produce.request.encode(9, produceValue);
    const frame = apis.Produce.request.encodeFrame(
      { apiVersion: 9, correlationId: 7, clientId: 'idem' },
      produceValue,
    );
    const header = `0000` + `0009` + int32(7) + `0004${utf8('idem')}` + `00`;
    expect(hex(frame)).toBe(int32(header.length / 2 + body.length) + header + hex(body));
    // The generic form with a pre-encoded body gives the same bytes.
    expect(
      hex(encodeRequestFrame({ apiKey: 0, apiVersion: 9, correlationId: 7, clientId: 'idem' }, body)),
    ).toBe(hex(frame));
  });

  test('a null clientId is written as int16 -1', () => {
    const frame = encodeRequestFrame(
      { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: null },
      new Uint8Array(0),
    );
    expect(hex(frame)).toBe(`0000000a` + `0012` + `0000` + int32(1) + `ffff`);
  });

  test('decodeRequestFrame returns the header and leaves the body to decode separately', () => {
    const frame = apis.Produce.request.encodeFrame(
      { apiVersion: 11, correlationId: 42, clientId: 'c' },
      produceValue,
    );
    const f = decodeRequestFrame(frame);
    expect(f).toMatchObject({
      apiKey: 0,
      apiVersion: 11,
      correlationId: 42,
      clientId: 'c',
      headerVersion: 2,
      supported: true,
    });
    expect(f.api.name).toBe('Produce');
    expect(f.bodyOffset).toBe(4 + 2 + 2 + 4 + 3 + 1);
    expect(apis.Produce.request.decode(11, f.body)).toMatchObject({ acks: -1, timeoutMs: 30_000 });
    expect(f.headerTaggedFields).toBeUndefined();
  });

  test('unknown header tagged fields survive a round trip', () => {
    const tags = [{ tag: 3, data: Buffer.from('ab', 'hex') }];
    const frame = encodeRequestFrame(
      { apiKey: 3, apiVersion: 12, correlationId: 5, clientId: 'x', headerTaggedFields: tags },
      new Uint8Array(0),
    );
    expect(decodeRequestFrame(frame).headerTaggedFields).toStrictEqual(tags);
  });

  test('a request at an unsupported version still yields its header (ApiVersions v5 → header v2)', () => {
    const bodyV5 = Buffer.from('0469646d0400', 'hex'); // whatever a future client sends
    const frame = Buffer.from(
      `${int32(4 + 4 + 2 + 1 + bodyV5.length)}00120005${int32(9)}ffff00${hex(bodyV5)}`,
      'hex',
    );
    const f = decodeRequestFrame(frame);
    expect(f).toMatchObject({
      apiKey: 18,
      apiVersion: 5,
      correlationId: 9,
      clientId: null,
      headerVersion: 2,
      supported: false,
    });
    expect(hex(f.body)).toBe(hex(bodyV5));
    expect(() => apis.ApiVersions.request.decode(5, f.body)).toThrow(
      expect.objectContaining({
        code: 'ERR_UNSUPPORTED_VERSION',
        message: 'ApiVersions v5 request: version 5 is not supported (valid: 0-4)',
      }),
    );
  });

  test('a frame whose size prefix disagrees with its length, or an unknown API key, is a CodecError', () => {
    const frame = apis.Produce.request.encodeFrame(
      { apiVersion: 9, correlationId: 1, clientId: null },
      produceValue,
    );
    expect(() => decodeRequestFrame(frame.subarray(0, frame.length - 1))).toThrow(CodecError);
    const unknown = Buffer.from(`${int32(10)}7fff0000${int32(1)}ffff`, 'hex');
    expect(() => decodeRequestFrame(unknown)).toThrow(/API key 32767/);
    expect(() => decodeRequestFrame(Buffer.from('0000', 'hex'))).toThrow(CodecError);
  });
});

describe('response frames', () => {
  const produceResponse = {
    responses: [{ name: 'orders', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 12n }] }],
  };

  test('Produce v9 response: header v1 has an empty tagged-field section after the correlation id', () => {
    const body = apis.Produce.response.encode(9, produceResponse);
    const frame = apis.Produce.response.encodeFrame(9, 77, produceResponse);
    expect(hex(frame)).toBe(int32(5 + body.length) + int32(77) + '00' + hex(body));
    expect(hex(encodeResponseFrame(0, 9, 77, body))).toBe(hex(frame));
    expect(peekCorrelationId(frame)).toBe(77);
    const decoded = decodeResponseFrame(frame, 0, 9);
    expect(decoded).toMatchObject({ correlationId: 77, headerVersion: 1, bodyOffset: 9 });
    expect(
      apis.Produce.response.decodeFrame(9, frame).body.responses[0]?.partitionResponses[0]?.baseOffset,
    ).toBe(12n);
  });

  test('Produce v8 response: header v0', () => {
    const frame = apis.Produce.response.encodeFrame(8, 77, produceResponse);
    const body = apis.Produce.response.encode(8, produceResponse);
    expect(hex(frame)).toBe(int32(4 + body.length) + int32(77) + hex(body));
  });

  test('ApiVersions v3 response (flexible body) still uses header v0', () => {
    const value = {
      errorCode: 0,
      apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 13 }],
      throttleTimeMs: 0,
    };
    const body = apis.ApiVersions.response.encode(3, value);
    const frame = apis.ApiVersions.response.encodeFrame(3, 5, value);
    expect(hex(frame)).toBe(int32(4 + body.length) + int32(5) + hex(body));
    const back = apis.ApiVersions.response.decodeFrame(3, frame);
    expect(back.correlationId).toBe(5);
    expect(back.body.apiKeys).toStrictEqual([{ apiKey: 0, minVersion: 3, maxVersion: 13 }]);
  });

  test('the UNSUPPORTED_VERSION answer is ApiVersions v0 on header v0 listing only ApiVersions', () => {
    const frame = encodeUnsupportedApiVersionsResponse(9);
    // size 16 | correlation id 9 | error 35 | 1 api key | ApiVersions(18) 0..4
    expect(hex(frame)).toBe('00000010' + '00000009' + '0023' + '00000001' + '0012' + '0000' + '0004');
    const back = apis.ApiVersions.response.decodeFrame(0, frame);
    expect(back).toStrictEqual({
      correlationId: 9,
      body: {
        errorCode: 35,
        apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      },
    });
    expect(hex(encodeUnsupportedApiVersionsResponse(1, { minVersion: 0, maxVersion: 3 })).slice(-4)).toBe(
      '0003',
    );
  });
});
