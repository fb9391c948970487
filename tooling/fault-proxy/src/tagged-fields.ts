// Tagged-field sections of flexible messages: the proxy never interprets them, it only steps over them.
import type { Reader } from '@idem/codec';

/** Advances `reader` past one tagged-field section (count, then tag/size/bytes per field). */
export function skipTaggedFields(reader: Reader, field: string): void {
  const count = reader.uvarint(`${field}.count`);
  for (let i = 0; i < count; i++) {
    reader.uvarint(`${field}[${i}].tag`);
    const size = reader.uvarint(`${field}[${i}].size`);
    reader.skip(size, `${field}[${i}].data`);
  }
}
