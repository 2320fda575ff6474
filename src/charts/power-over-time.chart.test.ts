import { describe, expect, it } from 'vitest';
import { MEASURE_COLOURS, themeOf } from './palette.js';
import { powerOverTimeChart, type PowerBucket } from './power-over-time.chart.js';
import { samplePowerBuckets } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const HOUR = 3_600_000;
const opts = {
  theme: themeOf('light'),
  timeZone: 'Europe/London',
  rangeWords: 'in the last 12 hours',
};

describe('fleet energy over time', () => {
  it('asks its question, labels kJ and clock times in the display zone, and names the peak', () => {
    const data = samplePowerBuckets(12);
    const peak = data.buckets.reduce((a, b) => (b.energyKj > a.energyKj ? b : a));
    const r = render(powerOverTimeChart(data, opts));
    expect(r.texts).toContain('How much energy did riders put out in the last 12 hours?');
    expect(r.texts).toEqual(expect.arrayContaining(['kJ', 'time (BST)', '03:00', '09:00']));
    expect(r.texts).toContain(
      `${peak.energyKj.toLocaleString('en-GB', { maximumFractionDigits: 0 })} kJ`,
    );
    expect(
      r.texts.some((t) => /^[\d,]+ kJ in total · highest [\d,]+ kJ from \d\d:\d\d$/.test(t)),
    ).toBe(true);
    expect(r.svg).toContain(MEASURE_COLOURS.energy.light);
    expectNoIsoTime(r);
  });

  it('draws the hours nobody rode as empty slots, across the whole period', () => {
    const at = Date.UTC(2024, 5, 4, 10);
    const buckets: PowerBucket[] = [
      { atMs: at + HOUR, avgPowerW: 180, energyKj: 900 },
      { atMs: at + 4 * HOUR, avgPowerW: 200, energyKj: 1200 },
    ];
    const option = powerOverTimeChart(
      { bucketMs: HOUR, buckets, fromMs: at - 30 * 60_000, toMs: at + 6 * HOUR },
      opts,
    );
    const xAxis = Array.isArray(option.xAxis) ? option.xAxis[0] : option.xAxis;
    // 10:30 UTC is 11:30 BST: from the bucket holding it (10:00 BST) to the one before 17:00.
    expect(xAxis?.type === 'category' && xAxis.data).toEqual([
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
    ]);
    const series = Array.isArray(option.series) ? option.series[0] : option.series;
    expect((series?.data as unknown[]).map((d) => (typeof d === 'number' ? d : 'peak'))).toEqual([
      0,
      0,
      900,
      0,
      0,
      'peak',
      0,
    ]);
  });

  it('shows clock times in the zone it is given', () => {
    const r = render(powerOverTimeChart(samplePowerBuckets(12), { ...opts, timeZone: 'UTC' }));
    expect(r.texts).toEqual(expect.arrayContaining(['02:00', 'time (UTC)']));
    expect(r.texts).not.toContain('time (BST)');
  });

  it('names each day once over several days, skipping a first day begun too late to fit', () => {
    const r = render(
      powerOverTimeChart(samplePowerBuckets(7 * 24), { ...opts, rangeWords: 'in the last 7 days' }),
    );
    expect(r.texts).toEqual(
      expect.arrayContaining(['Wed 29 May', 'Thu 30 May', 'Mon 3 Jun', 'Tue 4 Jun']),
    );
    // The period opens at 15:00 on Tue 28 May: no room for its name before Wednesday's.
    expect(r.texts).not.toContain('Tue 28 May');
    expect(r.texts.filter((t) => /^\d\d:\d\d$/.test(t))).toEqual([]);
    expect(r.texts.some((t) => / from \w{3} \d+ \w{3} \d\d:\d\d$/.test(t))).toBe(true);
  });

  it('on a phone names fewer days, so that the names never run into each other', () => {
    const week = samplePowerBuckets(7 * 24);
    const days = (widthPx: number) =>
      render(powerOverTimeChart(week, { ...opts, widthPx }), widthPx, 300).texts.filter((t) =>
        /^\w{3} \d+ \w{3}$/.test(t),
      );
    expect(days(720)).toHaveLength(7);
    expect(days(360)).toEqual(['Wed 29 May', 'Sat 1 Jun', 'Tue 4 Jun']);
  });

  it('asked about power, draws the average power per rider as a line in W', () => {
    const r = render(powerOverTimeChart(samplePowerBuckets(12), { ...opts, measure: 'power' }));
    expect(r.texts).toContain('How hard did riders pedal in the last 12 hours?');
    expect(r.texts).toContain('W');
    expect(r.texts.some((t) => /^\d+ W$/.test(t))).toBe(true);
    expect(r.texts).not.toContain('kJ');
  });

  it('names both zones on a day the clocks go back', () => {
    // Sun 27 Oct 2024 in London: 25 hours from midnight BST to midnight GMT.
    const from = Date.UTC(2024, 9, 26, 23);
    const buckets = Array.from({ length: 25 }, (_, i) => ({
      atMs: from + i * HOUR,
      avgPowerW: 160,
      energyKj: 100 + i,
    }));
    const r = render(
      powerOverTimeChart({ bucketMs: HOUR, buckets, fromMs: from, toMs: from + 25 * HOUR }, opts),
    );
    expect(r.texts).toContain('time (BST, then GMT)');
  });

  it('says there were no rides instead of drawing empty axes', () => {
    const title = 'How much energy did riders put out in the last 12 hours?';
    const none = render(powerOverTimeChart({ bucketMs: HOUR, buckets: [] }, opts));
    expect([...none.texts].sort()).toEqual([title, 'No rides in the last 12 hours'].sort());
    const quiet = render(
      powerOverTimeChart(
        { bucketMs: HOUR, buckets: [{ atMs: 0, avgPowerW: null, energyKj: 0 }] },
        { ...opts, emptyText: 'No rides since 08:15' },
      ),
    );
    expect([...quiet.texts].sort()).toEqual([title, 'No rides since 08:15'].sort());
  });
});
