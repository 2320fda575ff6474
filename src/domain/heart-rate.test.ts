import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_SETTINGS as S,
  maxHeartRate,
  newHeartRateState,
  observeHeartRate,
  type HeartRateAlert,
  type HeartRateState,
} from './heart-rate.js';
import { ageOn } from './age.js';

/** Feeds bpm values one second apart (rpm 60 unless given) and collects the alerts. */
function feed(
  s: HeartRateState,
  bpms: readonly number[],
  opts: { fromS?: number; rpm?: number; settings?: typeof S } = {},
): HeartRateAlert[] {
  const out: HeartRateAlert[] = [];
  const from = opts.fromS ?? 1;
  bpms.forEach((bpm, i) => {
    const elapsedS = from + i;
    const a = observeHeartRate(
      s,
      { elapsedS, recordedAtMs: elapsedS * 1000, heartRate: bpm, rpm: opts.rpm ?? 60 },
      opts.settings ?? S,
    );
    if (a) out.push(a);
  });
  return out;
}

describe('personal limits', () => {
  it('uses Gulati for women, Tanaka for men, the lower for others, or Fox', () => {
    expect(maxHeartRate(40, 'female', 'gulati-tanaka')).toBe(Math.round(206 - 0.88 * 40));
    expect(maxHeartRate(40, 'male', 'gulati-tanaka')).toBe(Math.round(208 - 0.7 * 40));
    expect(maxHeartRate(60, 'other', 'gulati-tanaka')).toBe(Math.round(206 - 0.88 * 60));
    expect(maxHeartRate(20, 'unknown', 'gulati-tanaka')).toBe(Math.round(206 - 0.88 * 20));
    expect(maxHeartRate(40, 'female', 'fox')).toBe(180);
  });
  it('counts age in whole years at the ride date', () => {
    expect(ageOn('1978-09-04', Date.UTC(2022, 6, 6))).toBe(43);
    expect(ageOn('1978-09-04', Date.UTC(2022, 8, 4))).toBe(44);
    expect(ageOn('1943-04-26', Date.UTC(2022, 3, 25))).toBe(78);
  });
});

describe('sustained abnormal heart rate', () => {
  it('fires once after the sustain count of consecutive high readings', () => {
    const s = newHeartRateState(170);
    const alerts = feed(s, [150, 171, 175, 180, 182, 185]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'high', limitBpm: 170, detectedAtMs: 4000 });
    expect(alerts[0]!.readings.map((r) => r.bpm)).toEqual([171, 175, 180]);
  });

  it('needs consecutive readings: a normal one breaks the run', () => {
    expect(feed(newHeartRateState(170), [171, 175, 160, 171, 175, 160])).toEqual([]);
  });

  it('ignores 0 (no contact): it neither breaks nor extends a run, and never alerts', () => {
    const s = newHeartRateState(170);
    expect(feed(s, [171, 0, 175, 0, 0])).toEqual([]);
    const alerts = feed(s, [176], { fromS: 6 });
    expect(alerts.map((a) => a.readings.map((r) => r.bpm))).toEqual([[171, 175, 176]]);
    expect(feed(newHeartRateState(170), [0, 0, 0, 0, 0])).toEqual([]);
  });

  it('treats low as below the floor while pedalling only', () => {
    expect(feed(newHeartRateState(170), [35, 36, 37], { rpm: 0 })).toEqual([]);
    const alerts = feed(newHeartRateState(170), [35, 36, 37], { rpm: 20 });
    expect(alerts).toEqual([expect.objectContaining({ kind: 'low', limitBpm: 40 })]);
  });

  it('stays quiet for the rest of an episode and until normal for a while and the cooldown passed', () => {
    const s = newHeartRateState(170);
    const high = (n: number): number[] => Array.from({ length: n }, () => 180);
    const normal = (n: number): number[] => Array.from({ length: n }, () => 120);
    // One long episode: one alert.
    expect(feed(s, high(60), { fromS: 1 })).toHaveLength(1);
    // Normal for a minute, then high again 2 minutes after the alert: cooldown not over.
    expect(feed(s, [...normal(60), ...high(10)], { fromS: 61 })).toEqual([]);
    // Normal for a while again, then high after the 5-minute cooldown: fires.
    expect(feed(s, [...normal(200), ...high(5)], { fromS: 131 })).toHaveLength(1);
  });

  it('keeps high and low apart', () => {
    const s = newHeartRateState(170);
    const alerts = feed(s, [180, 181, 182, 35, 36, 37]);
    expect(alerts.map((a) => a.kind)).toEqual(['high', 'low']);
  });

  it('honours the sustain setting', () => {
    const settings = { ...S, sustainReadings: 5 };
    expect(feed(newHeartRateState(170), [180, 181, 182, 183], { settings })).toEqual([]);
    expect(feed(newHeartRateState(170), [180, 181, 182, 183, 184], { settings })).toHaveLength(1);
  });

  it('reports a second episode that began during the cooldown once the cooldown is over', () => {
    const s = newHeartRateState(176);
    expect(feed(s, [190, 190, 190])).toHaveLength(1); // fires at 3 s
    const alerts = feed(s, [...Array<number>(40).fill(120), ...Array<number>(900).fill(190)], {
      fromS: 4,
    });
    expect(alerts).toHaveLength(1);
    // Due once 5 minutes have passed since the first alert (at 3 s).
    expect(alerts[0]!.detectedAtMs).toBe(303_000);
    expect(alerts[0]!.readings).toHaveLength(3);
  });
});
