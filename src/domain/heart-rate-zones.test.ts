import { describe, expect, it } from 'vitest';
import { AGE_BANDS, ageBandOf } from './age.js';
import { HEART_RATE_ZONES, zoneOf } from './heart-rate-zones.js';

describe('heart-rate zones', () => {
  it('place a rate by its share of the personal maximum, with above-maximum strictly over it', () => {
    const at = (bpm: number) => zoneOf(bpm, 180)?.label;
    expect([60, 90, 108, 126, 144, 162, 180, 181].map(at)).toEqual([
      'resting',
      'very light',
      'light',
      'moderate',
      'hard',
      'maximum',
      'maximum',
      'above maximum',
    ]);
    expect(zoneOf(0, 180)).toBeNull();
    expect(zoneOf(120, null)).toBeNull();
    expect(new Set(HEART_RATE_ZONES.map((z) => z.label)).size).toBe(HEART_RATE_ZONES.length);
  });
});

describe('age bands', () => {
  it('cover every age once, in the bands the views group by', () => {
    expect(AGE_BANDS.map((b) => b.label)).toEqual([
      'under 18',
      '18-24',
      '25-34',
      '35-44',
      '45-54',
      '55-64',
      '65+',
    ]);
    for (let age = 0; age <= 120; age++)
      expect(
        AGE_BANDS.filter((b) => age >= b.min && (b.max === null || age <= b.max)),
      ).toHaveLength(1);
    expect([17, 18, 24, 25, 64, 65, 99].map((a) => ageBandOf(a)?.label)).toEqual([
      'under 18',
      '18-24',
      '18-24',
      '25-34',
      '55-64',
      '65+',
      '65+',
    ]);
    expect(ageBandOf(null)).toBeNull();
  });
});
