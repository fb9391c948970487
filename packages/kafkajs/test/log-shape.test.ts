import { describe, expect, it } from 'vitest';
import { logShape } from './support/chaos/log-shape.js';

const log = (...ids: string[]) => ({
  topic: 't',
  partition: 0,
  records: ids.map((id, i) => ({ offset: BigInt(i), id })),
});

describe('logShape', () => {
  it('runs one group together and starts a new run where a record repeats', () => {
    const a = Array.from({ length: 3 }, (_, i) => `A-${i}`);
    expect(logShape(log('w', ...a, 'B'))).toBe('[w, A×3, B]');
    expect(logShape(log('w', ...a, 'B', 'B'))).toBe('[w, A×3, B, B]');
    expect(logShape(log('w', ...a, 'B', ...a, 'B'))).toBe('[w, A×3, B, A×3, B]');
    expect(logShape(log())).toBe('[]');
  });
});
