import type { EChartsOption } from 'echarts';
import { describe, expect, it } from 'vitest';
import { zoneOf } from '../domain/heart-rate-zones.js';
import { themeOf, ZONE_COLOURS } from './palette.js';
import { rideHeartRateChart, type RideHeartRateData } from './ride-heart-rate.chart.js';
import { SAMPLE_START_MS, sampleHeartRateRide } from './samples.test-support.js';
import { expectNoIsoTime, render } from './svg.test-support.js';

const light = { theme: themeOf('light'), timeZone: 'Europe/London' };
const TITLE = 'How hard did the heart work on this ride?';

/** The visualMap pieces of an option, as ECharts reads them. */
function piecesOf(option: EChartsOption) {
  const vm = option.visualMap;
  if (!vm || Array.isArray(vm) || !('pieces' in vm)) throw new Error('no piecewise map');
  return vm.pieces ?? [];
}

describe('a ride heart-rate chart', () => {
  it('asks its question, labels its axes with units, and draws the personal maximum', () => {
    const r = render(rideHeartRateChart(sampleHeartRateRide(182), light));
    expect(r.texts).toContain(TITLE);
    expect(r.texts).toContain('bpm');
    expect(r.texts).toContain('min');
    expect(r.texts).toContain('personal max 182 bpm');
    expect(r.texts).toContain('Started Tue 4 Jun 14:05 · average 146 bpm · highest 187 bpm');
    // Each zone named in words beside its band, in rising order.
    const zones = [
      'Z1 very light',
      'Z2 light',
      'Z3 moderate',
      'Z4 hard',
      'Z5 maximum',
      'above max',
    ];
    expect(r.texts.filter((t) => zones.includes(t))).toEqual(zones);
    expect(r.texts).toContain('no contact');
    expectNoIsoTime(r);
    expect(r.svg).toContain(ZONE_COLOURS.above.light);
  });

  it('colours the line by the zone each rate falls in, exactly as the domain places it', () => {
    const option: EChartsOption = rideHeartRateChart(sampleHeartRateRide(182), light);
    const pieces = piecesOf(option);
    const inPiece = (bpm: number) =>
      pieces.filter(
        (p) =>
          (p.gte === undefined || bpm >= p.gte) &&
          (p.gt === undefined || bpm > p.gt) &&
          (p.lt === undefined || bpm < p.lt) &&
          (p.lte === undefined || bpm <= p.lte),
      );
    for (let bpm = 40; bpm <= 230; bpm += 0.5) {
      const hits = inPiece(bpm);
      expect(hits, `${bpm} bpm`).toHaveLength(1);
      expect(hits[0]!.color).toBe(ZONE_COLOURS[zoneOf(bpm, 182)!.id].light);
    }
  });

  it('shows lost contact as a gap, never as a drop to zero', () => {
    const data: RideHeartRateData = {
      startedAtMs: SAMPLE_START_MS,
      maxBpm: 180,
      readings: [
        ...Array.from({ length: 60 }, (_, s) => ({ elapsedS: s, heartRate: 120 })),
        ...Array.from({ length: 60 }, (_, s) => ({
          elapsedS: 60 + s,
          heartRate: s % 2 ? 0 : null,
        })),
        ...Array.from({ length: 60 }, (_, s) => ({ elapsedS: 120 + s, heartRate: 125 })),
      ],
    };
    const option = rideHeartRateChart(data, light);
    const series = option.series;
    const first = Array.isArray(series) ? series[0] : series;
    const values = (first?.data as [number, number | null][]).map((d) => d[1]);
    expect(values.slice(60, 120).every((v) => v === null)).toBe(true);
    expect(values.filter((v) => v === 0)).toEqual([]);
    const r = render(option);
    // The axis starts near the lowest real rate, not at 0, and the gap is named.
    expect(r.texts).not.toContain('0 bpm');
    expect(r.texts).toContain('no contact');
    const yAxis = option.yAxis;
    expect(!Array.isArray(yAxis) && yAxis?.type === 'value' && yAxis.min).toBeGreaterThan(50);
  });

  it('without a personal maximum draws one colour, no zones and says why', () => {
    const option = rideHeartRateChart(sampleHeartRateRide(null), light);
    expect(option.visualMap).toBeUndefined();
    const r = render(option);
    expect(r.texts).not.toContain('Z3 moderate');
    expect(r.texts.some((t) => t.startsWith('personal max'))).toBe(false);
    expect(r.texts.join(' ')).toContain('no personal maximum known, so no zones');
    expect(r.texts).toContain('bpm');
  });

  it('has designed empty states: no readings yet, and no contact at all', () => {
    const none = render(rideHeartRateChart({ startedAtMs: 0, maxBpm: 180, readings: [] }, light));
    expect([...none.texts].sort()).toEqual([TITLE, 'No readings from this ride yet'].sort());
    const noContact = rideHeartRateChart(
      { startedAtMs: 0, maxBpm: 180, readings: [{ elapsedS: 1, heartRate: 0 }] },
      { ...light, emptyText: 'Hands off the sensors' },
    );
    expect([...render(noContact).texts].sort()).toEqual(['Hands off the sensors', TITLE]);
  });

  it('on a phone wraps its title and names the zones in short', () => {
    const r = render(
      rideHeartRateChart(sampleHeartRateRide(), { ...light, widthPx: 360 }),
      360,
      300,
    );
    expect(r.texts).toContain('How hard did the heart work on');
    expect(r.texts).toContain('Z3');
    expect(r.texts).toContain('above max');
    expect(r.texts).not.toContain('Z3 moderate');
  });

  it('follows the theme and stays still unless asked to animate', () => {
    const dark = rideHeartRateChart(sampleHeartRateRide(), { ...light, theme: themeOf('dark') });
    expect(dark.animation).toBe(false);
    const r = render(dark);
    expect(r.svg).toContain('#0d1117');
    expect(r.svg).toContain(ZONE_COLOURS.above.dark);
    expect(rideHeartRateChart(sampleHeartRateRide(), { ...light, animate: true }).animation).toBe(
      true,
    );
  });
});
