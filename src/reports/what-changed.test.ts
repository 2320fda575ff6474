import { describe, expect, it } from 'vitest';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import { figureChanges, whatChanged } from './what-changed.js';

const day = (o: Partial<PeriodTotals>): PeriodTotals => ({
  rideCount: 100,
  riders: 80,
  totalDurationS: 180_000,
  totalEnergyKj: 40_000,
  avgHeartRate: 130,
  avgPowerW: 150,
  alerts: 4,
  secondsAboveMax: 60,
  ...o,
});

const words = (today: PeriodTotals, before: PeriodTotals, week: PeriodTotals | null, days = 7) =>
  whatChanged({
    date: '2026-12-03',
    timeZone: 'Europe/London',
    partial: false,
    generatedAtMs: Date.UTC(2026, 11, 4, 7),
    totals: today,
    dayBefore: before,
    weekAverage: week,
    weekDays: days,
    changes: figureChanges(today, before, week),
  });

describe('whatChanged', () => {
  it('names the two largest rises and falls of 5 % or more, with the figures compared', () => {
    const s = words(
      day({ rideCount: 120, totalEnergyKj: 50_000, alerts: 2, riders: 72 }),
      day({}),
      day({ rideCount: 118 }),
    );
    expect(s[0]).toBe(
      '72 riders took 120 rides on Thursday 3 December 2026: 50 h 00 min of riding and 50,000 kJ of energy.',
    );
    expect(s[1]).toBe(
      'Against the day before, energy rose most, by 25 % (50,000 kJ against 40,000 kJ), then rides, by 20 % (120 against 100); ' +
        'alerts fell most, by 50 % (2 against 4), then riders, by 10 % (72 against 80).',
    );
    expect(s[2]).toMatch(/^Against the 7-day average, energy rose most, by 25 %/);
    expect(s[2]).not.toContain('then rides');
  });

  it('says when nothing moved, and when there is nothing to compare with', () => {
    expect(words(day({}), day({}), day({}))[1]).toBe(
      'Against the day before, every figure was within 5 %.',
    );
    const alone = words(day({}), day({ rideCount: 0, riders: 0 }), null, 0);
    expect(alone.slice(1)).toEqual([
      'The day before had no rides to compare with.',
      'None of the 7 days before had a ride, so there is no weekly average to compare with.',
    ]);
    expect(words(day({ rideCount: 0 }), day({}), null, 0)).toEqual([
      'No rides were recorded on Thursday 3 December 2026. The day before had 100 rides.',
    ]);
  });
});
