import { describe, expect, it } from 'vitest';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import { heartRateZonesChart } from './heart-rate-zones.chart.js';
import { themeOf, UNKNOWN_ZONE_COLOUR, ZONE_COLOURS } from './palette.js';
import { SAMPLE_UNKNOWN_ZONE_ROW, SAMPLE_ZONE_ROWS } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const opts = { theme: themeOf('light'), timeZone: 'Europe/London', rangeWords: 'on 4 June' };
const ROWS = [...SAMPLE_ZONE_ROWS, SAMPLE_UNKNOWN_ZONE_ROW];

describe('rides by heart-rate zone', () => {
  it('shows every zone in rising order, named and coloured, each bar with its count', () => {
    const r = render(heartRateZonesChart(ROWS, opts));
    expect(r.texts).toContain('How hard did riders\u2019 hearts work on 4 June?');
    expect(r.texts).toEqual(
      expect.arrayContaining([
        'rides',
        '211 rides · 111 h 00 min ridden · zone of each ride\u2019s average heart rate',
        'share of the rider\u2019s maximum heart rate',
      ]),
    );
    // Each zone is named under its bar (number, then its word), the unknown ones last.
    const order = ['resting', 'Z1', 'Z2', 'Z3', 'Z4', 'Z5', 'above max', 'unknown'].map((w) =>
      r.texts.indexOf(w),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.texts).toEqual(expect.arrayContaining(['very light', 'moderate', 'maximum']));
    for (const count of ['0', '14', '58', '77', '39', '11', '3', '9'])
      expect(r.texts).toContain(count);
    for (const z of HEART_RATE_ZONES) expect(r.svg).toContain(ZONE_COLOURS[z.id].light);
    expect(r.svg).toContain(UNKNOWN_ZONE_COLOUR.light);
    expectNoIsoTime(r);
  });

  it('leaves out the unknown bar when every ride has a zone', () => {
    const r = render(heartRateZonesChart(SAMPLE_ZONE_ROWS, opts));
    expect(r.texts).not.toContain('unknown');
    expect(r.svg).not.toContain(UNKNOWN_ZONE_COLOUR.light);
  });

  it('lays the bars down on a phone, each zone named in full and counted with its unit', () => {
    const r = render(heartRateZonesChart(ROWS, { ...opts, widthPx: 360 }), 360, 340);
    expect(r.texts).toEqual(
      expect.arrayContaining(['Z3 moderate', '77 rides', 'above max', '3 rides', 'unknown']),
    );
    expect(r.texts).not.toContain('share of the rider\u2019s maximum heart rate');
  });

  it('says there were no rides instead of drawing empty bars', () => {
    const r = render(heartRateZonesChart([{ ...SAMPLE_UNKNOWN_ZONE_ROW, rideCount: 0 }], opts));
    expect([...r.texts].sort()).toEqual([
      'How hard did riders\u2019 hearts work on 4 June?',
      'No rides on 4 June',
    ]);
  });
});
