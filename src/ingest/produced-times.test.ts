import { describe, expect, it } from 'vitest';
import { ProducedTimes } from './produced-times.js';

const batch = (from: number, n: number, at: number, step = 1) =>
  Array.from({ length: n }, (_, i) => ({ offset: from + i * step, producedAtMs: at + i }));

describe('ProducedTimes', () => {
  it('finds the produce time of the first fetched message at or after an offset', () => {
    const t = new ProducedTimes();
    t.add(0, batch(10, 5, 1000)); // offsets 10..14
    t.add(0, batch(15, 5, 2000)); // offsets 15..19
    t.add(1, batch(0, 3, 5000));
    expect(t.from(0, 10)).toBe(1000);
    expect(t.from(0, 13)).toBe(1003);
    expect(t.from(0, 15)).toBe(2000);
    expect(t.from(0, 5)).toBe(1000);
    expect(t.from(0, 20)).toBeUndefined();
    expect(t.from(1, 2)).toBe(5002);
    expect(t.from(2, 0)).toBeUndefined();
  });

  it('skips offsets a batch does not hold (compacted or control records)', () => {
    const t = new ProducedTimes();
    t.add(0, batch(100, 3, 7000, 10)); // offsets 100, 110, 120
    expect(t.from(0, 101)).toBe(7001);
    expect(t.from(0, 120)).toBe(7002);
  });

  it('forgets what is stored, and everything at a new assignment', () => {
    const t = new ProducedTimes();
    t.add(0, batch(0, 10, 0));
    t.add(0, batch(10, 10, 100));
    t.storedUpTo(0, 10);
    expect(t.from(0, 0)).toBe(100);
    t.storedUpTo(0, 20);
    expect(t.from(0, 0)).toBeUndefined();
    t.add(3, batch(0, 1, 9));
    t.clear();
    expect(t.from(3, 0)).toBeUndefined();
  });
});
