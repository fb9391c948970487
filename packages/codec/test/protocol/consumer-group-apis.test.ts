/**
 * The KIP-848 consumer group APIs (ConsumerGroupHeartbeat, ConsumerGroupDescribe): requests round-trip, and
 * a request cut short anywhere, or with a string or array length far past the bytes present, is refused
 * with a CodecError naming the field and the offset.
 */
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/errors/codec-error.js';
import { apis } from '../../src/protocol/apis.generated.js';

type Api = keyof typeof apis;

const TOPIC_ID = '0d928cd1-3d6a-4da0-a6d4-1fecad76a418';

const SAMPLES: readonly [Api, number, unknown, string][] = [
  [
    'ConsumerGroupHeartbeat',
    0,
    {
      groupId: 'g',
      memberId: '',
      memberEpoch: 0,
      instanceId: 'i',
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['t', 'u'],
      serverAssignor: 'uniform',
      topicPartitions: [],
    },
    'groupId',
  ],
  [
    'ConsumerGroupHeartbeat',
    1,
    {
      groupId: 'g',
      memberId: 'm',
      memberEpoch: 3,
      subscribedTopicNames: null,
      subscribedTopicRegex: 't.*',
      topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 2] }],
    },
    'groupId',
  ],
  ['ConsumerGroupDescribe', 0, { groupIds: ['g1', 'g2'], includeAuthorizedOperations: false }, 'groupIds'],
  ['ConsumerGroupDescribe', 1, { groupIds: ['g1'], includeAuthorizedOperations: true }, 'groupIds'],
];

function codecErrorOf(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('decoded without an error');
}

describe.each(SAMPLES)('%s v%i request', (api, version, body, firstField) => {
  const codec = apis[api].request;
  const bytes = Buffer.from(codec.encode(version, body as never));

  it('round-trips', () => {
    expect(codec.encode(version, codec.decode(version, bytes) as never)).toEqual(bytes);
  });

  it('refuses every truncation with an error naming the field and offset', () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      const error = codecErrorOf(() => codec.decode(version, bytes.subarray(0, cut)));
      expect(error.field, `cut at ${cut}`).not.toBe('');
      expect(error.offset, `cut at ${cut}`).toBeGreaterThanOrEqual(0);
    }
    expect(codecErrorOf(() => codec.decode(version, Buffer.alloc(0))).field).toContain(firstField);
  });

  it('refuses a length or count far past the bytes present', () => {
    const oversized = Buffer.from(bytes);
    oversized[0] = 0x7f;
    if (oversized.length > 1) oversized[1] = 0xff;
    const error = codecErrorOf(() => codec.decode(version, oversized));
    expect(error.field).toContain(firstField);
  });
});
