import { describe, expect, it } from 'vitest';
import { BatchBuilder, MAX_BATCH_REJECT_CHARS } from './batch-builder.js';

describe('BatchBuilder', () => {
  it('is full at its message count, or sooner when its rejected lines are heavy', () => {
    const b = new BatchBuilder('t', null);
    const huge = 'x'.repeat(4 << 20);
    let n = 0;
    while (!b.isFull(20_000)) {
      b.begin({ partition: 0, offset: n, next: n + 1, key: null, value: huge });
      b.reject('garbage', null);
      n++;
    }
    expect(n).toBe(Math.ceil(MAX_BATCH_REJECT_CHARS / huge.length));
    const batch = b.seal({ progress: [], halfReadings: [] }, new Map([[0, 1]]));
    expect(batch.rejects).toHaveLength(n);
    // Sealed, it starts empty again.
    expect(b.isFull(20_000)).toBe(false);
    for (let i = 0; i < 3; i++)
      b.begin({ partition: 0, offset: i, next: i + 1, key: null, value: 'ok' });
    expect(b.isFull(3)).toBe(true);
  });
});
