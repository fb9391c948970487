import { describe, expect, test } from 'vitest';
import { CodecError } from '../../src/errors/codec-error.js';
import { Reader } from '../../src/primitives/reader.js';
import { apis } from '../../src/protocol/apis.generated.js';
import { decodeMessage } from '../../src/protocol/schema/message-codec.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function codecError(fn: () => unknown): CodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('expected a CodecError');
}

const batch = Buffer.from('00112233445566778899', 'hex');
const produce = {
  acks: -1,
  timeoutMs: 1500,
  topicData: [
    { name: 'a', partitionData: [{ index: 0, records: batch }] },
    {
      name: 'b',
      partitionData: [
        { index: 1, records: null },
        { index: 2, records: batch },
      ],
    },
  ],
};

describe('versions', () => {
  test('outside validVersions is UnsupportedVersionError, both ways', () => {
    expect(codecError(() => apis.Produce.request.encode(2, produce)).code).toBe('ERR_UNSUPPORTED_VERSION');
    expect(codecError(() => apis.Produce.request.encode(14, produce)).code).toBe('ERR_UNSUPPORTED_VERSION');
    expect(codecError(() => apis.Produce.response.decode(14, Buffer.alloc(8))).message).toBe(
      'Produce v14 response: version 14 is not supported (valid: 3-13)',
    );
    expect(apis.Produce.minVersion).toBe(3);
    expect(apis.Produce.maxVersion).toBe(13);
    expect(apis.InitProducerId.maxVersion).toBe(6);
    expect(apis.InitProducerId.latestVersionUnstable).toBe(true);
  });
});

describe('defaults and fields missing at a version', () => {
  test('undefined fields take Kafka defaults (InitProducerId v4: producerId -1, epoch -1)', () => {
    const bytes = apis.InitProducerId.request.encode(4, {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
    });
    // compact null string, int32 60000, int64 -1, int16 -1, no tagged fields
    expect(hex(bytes)).toBe('00' + '0000ea60' + 'ffffffffffffffff' + 'ffff' + '00');
    expect(apis.InitProducerId.request.decode(4, bytes)).toStrictEqual({
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    });
  });

  test('decoding an old version fills later fields with their defaults', () => {
    const bytes = apis.InitProducerId.response.encode(0, {
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 7n,
      producerEpoch: 0,
    });
    expect(apis.InitProducerId.response.decode(0, bytes)).toStrictEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 7n,
      producerEpoch: 0,
      ongoingTxnProducerId: -1n,
      ongoingTxnProducerEpoch: -1,
    });
  });

  test('a non-default, non-ignorable field at a version without it is refused, naming the field', () => {
    const e = codecError(() =>
      apis.InitProducerId.request.encode(2, {
        transactionalId: null,
        transactionTimeoutMs: 1,
        producerId: 5n,
      }),
    );
    expect(e.code).toBe('ERR_UNSUPPORTED_VERSION');
    expect(e.field).toBe('producerId');
    expect(e.message).toMatch(
      /^InitProducerId v2 request: producerId: a non-default value cannot be written/,
    );
    // The default is fine.
    apis.InitProducerId.request.encode(2, {
      transactionalId: null,
      transactionTimeoutMs: 1,
      producerId: -1n,
    });
  });

  test('ignorable fields are dropped: topic ids before Produce v13, topic names from v13', () => {
    const topicId = '0123456789abcdef0123456789abcdef'.replace(
      /(.{8})(.{4})(.{4})(.{4})(.{12})/,
      '$1-$2-$3-$4-$5',
    );
    const withId = { ...produce, topicData: produce.topicData.map((t) => ({ ...t, topicId })) };
    expect(hex(apis.Produce.request.encode(12, withId))).toBe(hex(apis.Produce.request.encode(12, produce)));
    const v13 = apis.Produce.request.decode(13, apis.Produce.request.encode(13, withId));
    expect(v13.topicData.map((t) => [t.name, t.topicId])).toStrictEqual([
      ['', topicId],
      ['', topicId],
    ]);
  });
});

describe('error paths', () => {
  test('encoding names the field path', () => {
    const bad = {
      ...produce,
      topicData: [
        {
          name: 'a',
          partitionData: [
            { index: 0, records: batch },
            { index: 2 ** 31, records: batch },
          ],
        },
      ],
    };
    const e = codecError(() => apis.Produce.request.encode(9, bad));
    expect(e.code).toBe('ERR_INVALID_VALUE');
    expect(e.field).toBe('topicData[0].partitionData[1].index');
    expect(e.message).toBe(
      'Produce v9 request: topicData[0].partitionData[1].index: number 2147483648 is not an int32 (-2147483648..2147483647)',
    );
    const nullArray = codecError(() =>
      apis.Produce.request.encode(9, { ...produce, topicData: null as never }),
    );
    expect(nullArray.field).toBe('topicData');
    const longName = codecError(() =>
      apis.Produce.request.encode(8, {
        ...produce,
        topicData: [{ name: 'x'.repeat(40_000), partitionData: [] }],
      }),
    );
    expect(longName.field).toBe('topicData[0].name');
    expect(longName.message).toMatch(/^Produce v8 request: topicData\[0\]\.name: 40000 UTF-8 bytes exceed/);
  });

  test('decoding names the field path and the offset of the bad length', () => {
    const bytes = apis.Produce.request.encode(9, produce);
    // Cut inside the second topic's second partition's records.
    const cut = bytes.subarray(0, bytes.length - 4);
    const e = codecError(() => apis.Produce.request.decode(9, cut));
    expect(e.code).toBe('ERR_INVALID_LENGTH');
    expect(e.field).toBe('topicData[1].partitionData[1].records');
    expect(
      e.message.startsWith('Produce v9 request: topicData[1].partitionData[1].records: length 10 exceeds'),
    ).toBe(true);
    // The records' compact length prefix sits just before the last 10 bytes and the tagged-field bytes.
    expect(e.offset).toBe(bytes.length - 10 - 1 - 1 - 1 - 1);
  });

  test('trailing bytes after a whole message are an error', () => {
    const bytes = Buffer.concat([apis.Produce.request.encode(9, produce), Buffer.from([0])]);
    expect(codecError(() => apis.Produce.request.decode(9, bytes)).code).toBe('ERR_INVALID_LENGTH');
    // From a Reader, the message ends where it ends and the reader stays there.
    const r = new Reader(bytes);
    apis.Produce.request.decode(9, r);
    expect(r.remaining).toBe(1);
  });

  test('a reader keeps its own error context after a nested decode', () => {
    const r = new Reader(apis.Produce.request.encode(9, produce));
    r.context = 'outer';
    decodeMessage(apis.Produce.request.schema, 9, r);
    expect(r.context).toBe('outer');
  });
});

describe('bytes and records', () => {
  test('records decode as views of the input (no copy) and encode with their exact bytes', () => {
    const bytes = apis.Produce.request.encode(9, produce);
    const decoded = apis.Produce.request.decode(9, bytes);
    const records = decoded.topicData[0]?.partitionData[0]?.records;
    expect(records?.buffer).toBe(bytes.buffer);
    expect(hex(records!)).toBe(hex(batch));
    expect(decoded.topicData[1]?.partitionData[0]?.records).toBeNull();
  });
});

describe('tagged fields', () => {
  const partition = { index: 0, errorCode: 6, baseOffset: -1n };
  const response = (extra: object) => ({
    responses: [{ name: 't', partitionResponses: [{ ...partition, ...extra }] }],
  });

  test('a tagged field holding its default stays off the wire', () => {
    const plain = apis.Produce.response.encode(10, response({}));
    expect(
      hex(apis.Produce.response.encode(10, response({ currentLeader: { leaderId: -1, leaderEpoch: -1 } }))),
    ).toBe(hex(plain));
    const led = apis.Produce.response.encode(
      10,
      response({ currentLeader: { leaderId: 3, leaderEpoch: 9 } }),
    );
    // The partition's tagged section: 1 field, tag 0, size 9: int32 3, int32 9, empty tagged section.
    expect(hex(led)).toContain('01' + '00' + '09' + '00000003' + '00000009' + '00');
    expect(
      apis.Produce.response.decode(10, led).responses[0]?.partitionResponses[0]?.currentLeader,
    ).toStrictEqual({
      leaderId: 3,
      leaderEpoch: 9,
    });
  });

  test('unknown tagged fields are kept and re-emitted in ascending tag order with known ones', () => {
    const value = {
      responses: [],
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      _unknownTaggedFields: [
        { tag: 7, data: Buffer.from('bb', 'hex') },
        { tag: 1, data: Buffer.from('aa', 'hex') },
      ],
    };
    const bytes = apis.Produce.response.encode(10, value);
    // responses [] | throttle 0 | 3 tagged fields: tag 0 (nodeEndpoints), tag 1, tag 7
    expect(hex(bytes)).toBe(
      '01' +
        '00000000' +
        '03' +
        '00' +
        '0d' +
        '02' +
        '00000001' +
        '0268' +
        '00002384' +
        '00' +
        '00' +
        '0101aa' +
        '0701bb',
    );
    const back = apis.Produce.response.decode(10, bytes);
    expect(back._unknownTaggedFields).toStrictEqual([
      { tag: 1, data: Buffer.from('aa', 'hex') },
      { tag: 7, data: Buffer.from('bb', 'hex') },
    ]);
    expect(hex(apis.Produce.response.encode(10, back))).toBe(hex(bytes));
  });

  test('an unknown tagged field may not reuse a known tag', () => {
    const e = codecError(() =>
      apis.Produce.response.encode(10, {
        responses: [],
        _unknownTaggedFields: [{ tag: 0, data: Buffer.alloc(1) }],
      }),
    );
    expect(e.message).toMatch(/tag 0 belongs to a known field/);
  });

  test('a known tagged field must fill exactly the size its tag declares', () => {
    // CurrentLeader declared as 10 bytes but its value takes 9.
    const bytes = Buffer.from('01' + '00000000' + '01' + '00' + '0a' + '02' + '00' + '00', 'hex');
    expect(codecError(() => apis.Produce.response.decode(10, bytes)).code).toBe('ERR_INVALID_LENGTH');
    // nodeEndpoints declared as 1 byte whose varint count continues past it: read within the tag's bytes only.
    const overrun = Buffer.from('01' + '00000000' + '01' + '00' + '01' + 'ff' + '00', 'hex');
    expect(codecError(() => apis.Produce.response.decode(10, overrun)).code).toBe('ERR_TRUNCATED');
  });
});
