import { describe, expect, it } from 'vitest';
import { AGE_BANDS } from '../domain/age.js';
import { ageBandsChart, UnknownAgeBandError } from './age-bands.chart.js';
import { AGE_BAND_COLOURS, themeOf } from './palette.js';
import { SAMPLE_AGE_ROWS } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const opts = { theme: themeOf('light'), timeZone: 'Europe/London', rangeWords: 'yesterday' };
const BANDS = AGE_BANDS.map((b) => b.label);

describe('rides per age band', () => {
  it('shows every band in order, even an empty one, each bar labelled with its count', () => {
    const r = render(ageBandsChart(SAMPLE_AGE_ROWS, opts));
    expect(r.texts).toContain('How old were the riders yesterday?');
    expect(r.texts).toEqual(
      expect.arrayContaining(['rides', 'age in years', '212 rides · 111 h 00 min ridden']),
    );
    const order = [...BANDS, 'unknown'].map((b) => r.texts.indexOf(b));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Direct labels: the counts, including the 0 of the band nobody rode in.
    for (const count of ['0', '31', '64', '52', '37', '18', '6', '4'])
      expect(r.texts).toContain(count);
    for (const band of [...BANDS, 'unknown'])
      expect(r.svg).toContain(AGE_BAND_COLOURS[band]!.light);
    expectNoIsoTime(r);
  });

  it('adds riders of unknown age only when there are some', () => {
    const known = SAMPLE_AGE_ROWS.filter((r) => r.band !== 'unknown');
    expect(render(ageBandsChart(known, opts)).texts).not.toContain('unknown');
  });

  it('lays the bars down on a phone, the counts with their unit', () => {
    const r = render(ageBandsChart(SAMPLE_AGE_ROWS, { ...opts, widthPx: 360 }), 360, 320);
    expect(r.texts).toEqual(
      expect.arrayContaining(['under 18', '0 rides', '64 rides', '65+', '6 rides']),
    );
    expect(r.texts).not.toContain('age in years');
  });

  it('refuses a band the domain does not define', () => {
    const attempt = () => ageBandsChart([{ band: '70+', rideCount: 1, durationS: 60 }], opts);
    expect(attempt).toThrow(UnknownAgeBandError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'unknown_age_band', band: '70+' }));
    expect(attempt).not.toThrow(expect.objectContaining({ band: '65+' }));
  });

  it('says there were no rides instead of drawing empty bars', () => {
    const r = render(ageBandsChart([{ band: '25-34', rideCount: 0, durationS: 0 }], opts));
    expect([...r.texts].sort()).toEqual([
      'How old were the riders yesterday?',
      'No rides yesterday',
    ]);
  });
});
