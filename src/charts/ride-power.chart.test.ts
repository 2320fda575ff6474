import { describe, expect, it } from 'vitest';
import { MEASURE_COLOURS, themeOf } from './palette.js';
import { ridePowerChart } from './ride-power.chart.js';
import { SAMPLE_START_MS, samplePowerRide } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const light = { theme: themeOf('light'), timeZone: 'Europe/London' };
const TITLE = 'How much power did the rider put out?';

describe('a ride power chart', () => {
  it('asks its question, labels its axes with units and names the average on the chart', () => {
    const ride = samplePowerRide();
    const watts = ride.readings.flatMap((r) => (r.powerW === null ? [] : [r.powerW]));
    const average = Math.round(watts.reduce((a, b) => a + b, 0) / watts.length);
    const r = render(ridePowerChart(ride, light));
    expect(r.texts).toContain(TITLE);
    expect(r.texts).toContain('W');
    expect(r.texts).toContain('min');
    expect(r.texts).toContain(`average ${average} W`);
    expect(r.texts).toContain(
      `Started Tue 4 Jun 14:05 · average ${average} W · highest ${Math.max(...watts)} W`,
    );
    expect(r.texts).toContain('0');
    expect(r.svg).toContain(MEASURE_COLOURS.power.light);
    expect(r.svg).toMatch(/^<svg style="font-variant-numeric: tabular-nums" /);
    expectNoIsoTime(r);
  });

  it('keeps 0 W (freewheeling) as 0 and leaves unreported power as a gap', () => {
    const option = ridePowerChart(
      {
        startedAtMs: SAMPLE_START_MS,
        readings: [
          { elapsedS: 0, powerW: 100 },
          { elapsedS: 1, powerW: 0 },
          { elapsedS: 2, powerW: null },
          { elapsedS: 3, powerW: 120 },
        ],
      },
      light,
    );
    const series = Array.isArray(option.series) ? option.series[0] : option.series;
    expect(series?.data).toEqual([
      [0, 100],
      [1 / 60, 0],
      [2 / 60, null],
      [3 / 60, 120],
    ]);
    // The average counts the 0 W second and not the unreported one.
    expect(render(option).texts).toContain('average 73 W');
  });

  it('has designed empty states', () => {
    const none = render(ridePowerChart({ startedAtMs: SAMPLE_START_MS, readings: [] }, light));
    expect(none.texts).toContain('No readings from this ride yet');
    expect(none.texts).toContain(TITLE);
    expect(none.texts).not.toContain('W');
    const unreported = ridePowerChart(
      { startedAtMs: SAMPLE_START_MS, readings: [{ elapsedS: 0, powerW: null }] },
      light,
    );
    expect(render(unreported).texts).toContain('No power recorded on this ride');
  });

  it('draws in the dark theme with the dark shade of its colour', () => {
    const r = render(ridePowerChart(samplePowerRide(), { ...light, theme: themeOf('dark') }));
    expect(r.svg).toContain(MEASURE_COLOURS.power.dark);
    expect(r.svg).not.toContain(MEASURE_COLOURS.power.light);
  });
});
