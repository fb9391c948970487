/**
 * The admin APIs added for the memory broker (AlterConfigs, IncrementalAlterConfigs, CreatePartitions,
 * DeleteRecords, DeleteGroups, DescribeCluster, DescribeTopicPartitions): a request cut short anywhere, or
 * with a string or array length far past the bytes present, is refused with a CodecError naming the field.
 */
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/errors/codec-error.js';
import { apis } from '../../src/protocol/apis.generated.js';

type Api = keyof typeof apis;

const SAMPLES: readonly [Api, number, unknown, string][] = [
  [
    'AlterConfigs',
    2,
    {
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1' }] }],
      validateOnly: false,
    },
    'resources',
  ],
  [
    'IncrementalAlterConfigs',
    1,
    {
      resources: [
        {
          resourceType: 2,
          resourceName: 't',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }],
        },
      ],
      validateOnly: false,
    },
    'resources',
  ],
  [
    'CreatePartitions',
    3,
    {
      topics: [{ name: 't', count: 3, assignments: [{ brokerIds: [1] }] }],
      timeoutMs: 1,
      validateOnly: false,
    },
    'topics',
  ],
  [
    'DeleteRecords',
    2,
    { topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 5n }] }], timeoutMs: 1 },
    'topics',
  ],
  ['DeleteGroups', 2, { groupsNames: ['g1', 'g2'] }, 'groupsNames'],
  [
    'DescribeCluster',
    2,
    { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: true },
    'includeClusterAuthorizedOperations',
  ],
  [
    'DescribeTopicPartitions',
    0,
    { topics: [{ name: 't' }], responsePartitionLimit: 5, cursor: { topicName: 't', partitionIndex: 1 } },
    'topics',
  ],
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

  it('refuses every truncation with an error naming the field', () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      const error = codecErrorOf(() => codec.decode(version, bytes.subarray(0, cut)));
      expect(error.field, `cut at ${cut}`).not.toBe('');
    }
    expect(codecErrorOf(() => codec.decode(version, Buffer.alloc(0))).field).toContain(firstField);
  });

  // DescribeCluster's request holds fixed-size fields only.
  it.skipIf(api === 'DescribeCluster')('refuses a length or count far past the bytes present', () => {
    // The first field's length/count is the first byte(s); claim far more than there is.
    const oversized = Buffer.from(bytes);
    oversized[0] = 0x7f;
    if (oversized.length > 1) oversized[1] = 0xff;
    const error = codecErrorOf(() => codec.decode(version, oversized));
    expect(error.field).toContain(firstField);
  });
});
