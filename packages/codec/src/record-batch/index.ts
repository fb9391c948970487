export { decodeRecordBatch, readRecordBatch, readRecordBatches } from './decode.js';
export { encodeRecordBatch, encodeRecordBatches } from './encode.js';
export { batchHeaderOf } from './header.js';
export { restampRecordBatch } from './restamp.js';
export type {
  ControlRecordInfo,
  DecodedRecord,
  DecodedRecordHeader,
  DecodeRecordBatchOptions,
  EncodeRecordBatchOptions,
  LazyRecordBatch,
  RecordBatch,
  RecordBatchHeader,
  RecordBatchInput,
  RecordBatchSequence,
  RecordHeaderInput,
  RecordInput,
  RestampFields,
  RestampOptions,
  TimestampType,
} from './types.js';
