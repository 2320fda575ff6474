import { describe, expect, it } from 'vitest';
import { genderSplitChart, type GenderRow } from './gender-split.chart.js';
import { GENDER_COLOURS, themeOf } from './palette.js';
import { SAMPLE_GENDER_ROWS } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const opts = {
  theme: themeOf('light'),
  timeZone: 'Europe/London',
  rangeWords: 'in the last 12 hours',
};

describe('the gender split', () => {
  it('asks who rode, and labels each part of both bars on the bar itself', () => {
    const r = render(genderSplitChart(SAMPLE_GENDER_ROWS, opts));
    expect(r.texts).toContain('Who rode in the last 12 hours?');
    // 102, 96, 9, 5 of 212 rides; 52 h 05, 44 h, 3 h, 2 h of ride time.
    for (const label of ['female 48 %', 'male 45 %', 'female 51 %', 'male 44 %'])
      expect(r.texts).toContain(label);
    expect(r.texts).toEqual(
      expect.arrayContaining(['Rides', '212 rides', 'Ride time', '101 h 05 min']),
    );
    // Parts too narrow for words are named, with their shares, right under the bars.
    expect(r.texts).toContain('other: 4 % of rides, 3 % of time');
    expect(r.texts).toContain('unknown: 3 % of rides, 2 % of time');
    for (const g of ['female', 'male', 'other', 'unknown'] as const)
      expect(r.svg).toContain(GENDER_COLOURS[g].light);
    expectNoIsoTime(r);
  });

  it('adds a bar of riders first when every row counts them (the report)', () => {
    const rows: GenderRow[] = [
      { gender: 'female', rideCount: 6, durationS: 3600, riders: 3 },
      { gender: 'male', rideCount: 4, durationS: 1800, riders: 1 },
    ];
    const r = render(genderSplitChart(rows, opts));
    expect(r.texts).toEqual(
      expect.arrayContaining(['Riders', '4 riders', 'Rides', '10 rides', 'Ride time']),
    );
    expect(r.texts).toEqual(expect.arrayContaining(['female 75 %', 'male 25 %', 'female 60 %']));
    expect(r.texts).toContain('Share of riders, of rides and of time ridden, by gender');
    // Without riders on every row, the dashboard's two bars.
    const two = render(genderSplitChart([rows[0]!, { ...rows[1]!, riders: undefined }], opts));
    expect(two.texts).not.toContain('Riders');
  });

  it('names every part on the bar when each has room, and shows no legend', () => {
    const rows: GenderRow[] = [
      { gender: 'female', rideCount: 3, durationS: 3600 },
      { gender: 'male', rideCount: 2, durationS: 1800 },
      { gender: 'unknown', rideCount: 0, durationS: 0 },
    ];
    const r = render(genderSplitChart(rows, opts));
    expect(r.texts).toEqual(
      expect.arrayContaining(['female 60 %', 'male 40 %', 'female 67 %', 'male 33 %']),
    );
    expect(r.texts.some((t) => / of rides, /.test(t))).toBe(false);
    expect(r.texts.some((t) => t.startsWith('unknown'))).toBe(false);
  });

  it('shortens labels to the share alone, then to nothing, as the chart narrows', () => {
    const rows: GenderRow[] = [
      { gender: 'female', rideCount: 70, durationS: 70 },
      { gender: 'male', rideCount: 25, durationS: 25 },
      { gender: 'other', rideCount: 5, durationS: 5 },
    ];
    const wide = render(genderSplitChart(rows, { ...opts, widthPx: 1200 }), 1200, 320);
    expect(wide.texts).toEqual(expect.arrayContaining(['female 70 %', 'male 25 %', '5 %']));
    expect(wide.texts).toContain('other: 5 % of rides, 5 % of time');
    expect(wide.texts.some((t) => t.startsWith('male:'))).toBe(false);
    const narrow = render(genderSplitChart(rows, { ...opts, widthPx: 360 }), 360, 320);
    expect(narrow.texts).toEqual(expect.arrayContaining(['female 70 %', '25 %']));
    expect(narrow.texts).not.toContain('5 %');
    // On a phone the legend's words are shorter, so that its lines fit.
    expect(narrow.texts).toContain('male: 25 % rides, 25 % time');
    expect(narrow.texts).toContain('other: 5 % rides, 5 % time');
  });

  it('says there were no rides instead of drawing empty bars', () => {
    const r = render(genderSplitChart([], opts));
    expect([...r.texts].sort()).toEqual([
      'No rides in the last 12 hours',
      'Who rode in the last 12 hours?',
    ]);
    const zero = render(genderSplitChart([{ gender: 'male', rideCount: 0, durationS: 0 }], opts));
    expect(zero.texts).toContain('No rides in the last 12 hours');
  });
});
