import { describe, expect, it } from 'vitest';
import { MEASURE_COLOURS, themeOf } from './palette.js';
import { ridesPerHourChart } from './rides-per-hour.chart.js';
import { sampleHourRides } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const HOUR = 3_600_000;
const opts = { theme: themeOf('light'), timeZone: 'Europe/London', rangeWords: 'on 4 June' };

describe('rides started per hour', () => {
  it('asks its question, labels hours in the display zone, and names the busiest hour', () => {
    const hours = sampleHourRides();
    const total = hours.reduce((a, h) => a + h.rideCount, 0);
    const peak = hours.reduce((a, h) => (h.rideCount > a.rideCount ? h : a));
    const option = ridesPerHourChart(hours, opts);
    const r = render(option);
    expect(r.texts).toContain('When did riders start their rides on 4 June?');
    expect(r.texts).toEqual(expect.arrayContaining(['rides', 'hour started (BST)', '00:00']));
    const busiest = new Date(peak.atMs).getUTCHours() + 1;
    const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    expect(r.texts).toContain(
      `${total} rides started · busiest ${hh(busiest)}\u2013${hh(busiest + 1)} with ${peak.rideCount} rides`,
    );
    expect(r.texts).toContain(`${peak.rideCount} rides`);
    expect(r.svg).toContain(MEASURE_COLOURS.rides.light);
    // One bar per hour, in the display zone: midnight BST is 23:00 UTC the day before.
    const xAxis = Array.isArray(option.xAxis) ? option.xAxis[0] : option.xAxis;
    const labels = xAxis?.type === 'category' ? xAxis.data : [];
    expect(labels).toHaveLength(24);
    expect(labels?.[0]).toBe('00:00');
    expect(labels?.[23]).toBe('23:00');
    expectNoIsoTime(r);
  });

  it('gives the day the clocks go back 25 bars, the repeated hour under both zone names', () => {
    // Sun 27 Oct 2024 in London: 00:00 BST is 23:00 UTC on the 26th; 25 hours to midnight GMT.
    const from = Date.UTC(2024, 9, 26, 23);
    const hours = Array.from({ length: 25 }, (_, i) => ({ atMs: from + i * HOUR, rideCount: i }));
    const option = ridesPerHourChart(hours, opts);
    const xAxis = Array.isArray(option.xAxis) ? option.xAxis[0] : option.xAxis;
    const labels = xAxis?.type === 'category' ? (xAxis.data as string[]) : [];
    expect(labels).toHaveLength(25);
    expect(labels.slice(0, 4)).toEqual(['00:00', '01:00', '01:00', '02:00']);
    expect(labels[24]).toBe('23:00');
    expect(render(option).texts).toContain('hour started (BST, then GMT)');
  });

  it('says there were no rides instead of drawing empty bars', () => {
    const hours = sampleHourRides().map((h) => ({ ...h, rideCount: 0 }));
    const r = render(ridesPerHourChart(hours, opts));
    expect([...r.texts].sort()).toEqual([
      'No rides on 4 June',
      'When did riders start their rides on 4 June?',
    ]);
    expect(render(ridesPerHourChart([], opts)).texts).toContain('No rides on 4 June');
  });
});
