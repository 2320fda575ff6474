import { describe, expect, it } from 'vitest';
import { extent, mean, wholePercents } from './numbers.js';

describe('whole percentages', () => {
  it('add up to exactly 100 by largest remainder', () => {
    expect(wholePercents([1, 1, 1])).toEqual([34, 33, 33]);
    expect(wholePercents([102, 96, 9, 5])).toEqual([48, 45, 4, 3]);
    expect(wholePercents([0, 0])).toEqual([0, 0]);
    for (const values of [
      [7, 13, 29, 51],
      [1, 998, 1],
      [3, 3, 3, 3, 3, 3, 3],
    ])
      expect(wholePercents(values).reduce((a, b) => a + b, 0)).toBe(100);
  });
});

describe('extremes and means', () => {
  it('hold for series longer than a spread of arguments allows', () => {
    const long = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 1000);
    expect(extent(long)).toEqual({ min: 0, max: 999 });
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
  });
});
