import { describe, expect, it } from 'vitest';
import { HEART_RATE_ZONES } from '../domain/heart-rate-zones.js';
import {
  formatBpm,
  formatCalendarDate,
  formatClock,
  formatCount,
  formatDay,
  formatDayTime,
  formatDuration,
  formatElapsed,
  formatInteger,
  formatKj,
  formatPercent,
  formatSignedPercent,
  formatWatts,
  formatZone,
  formatZoneName,
  formatZoneShort,
  localDayKey,
} from './format.js';

// Tue 4 Jun 2024 13:05 UTC: 14:05 in London (BST), 15:05 in Paris.
const SUMMER = Date.UTC(2024, 5, 4, 13, 5, 40);
const WINTER = Date.UTC(2024, 0, 9, 23, 30);

describe('figures', () => {
  it('are whole numbers with en-GB separators and a unit', () => {
    expect(formatInteger(1204)).toBe('1,204');
    expect(formatInteger(1234567.6)).toBe('1,234,568');
    expect(formatInteger(-0.3)).toBe('0');
    expect(formatBpm(142.4)).toBe('142 bpm');
    expect(formatWatts(238)).toBe('238 W');
    expect(formatKj(1204.2)).toBe('1,204 kJ');
    expect(formatPercent(48)).toBe('48 %');
    expect(formatCount(1, 'ride', 'rides')).toBe('1 ride');
    expect(formatCount(1204, 'ride', 'rides')).toBe('1,204 rides');
    expect(formatCount(0, 'ride', 'rides')).toBe('0 rides');
  });

  it('give durations in seconds, minutes, then hours and minutes', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(34 * 60 + 10)).toBe('34 min');
    expect(formatDuration(59 * 60 + 40)).toBe('1 h 00 min');
    expect(formatDuration(65 * 60)).toBe('1 h 05 min');
    expect(formatDuration(1234 * 3600 + 60)).toBe('1,234 h 01 min');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatElapsed(724)).toBe('12:04');
    expect(formatElapsed(3729)).toBe('1:02:09');
    expect(formatElapsed(5)).toBe('0:05');
  });
});

describe('changes', () => {
  it('carry their sign, a true minus for a fall, none for no change', () => {
    expect(formatSignedPercent(12.4)).toBe('+12 %');
    expect(formatSignedPercent(-8)).toBe('\u22128 %');
    expect(formatSignedPercent(-0.3)).toBe('0 %');
    expect(formatSignedPercent(1250)).toBe('+1,250 %');
  });
});

describe('times', () => {
  it('are clock times and days in the given zone, never ISO text', () => {
    expect(formatClock(SUMMER, 'Europe/London')).toBe('14:05');
    expect(formatClock(SUMMER, 'UTC')).toBe('13:05');
    expect(formatClock(SUMMER, 'Europe/Paris')).toBe('15:05');
    // Midnight is 00:00, not 24:00.
    expect(formatClock(Date.UTC(2024, 0, 10, 0, 0), 'Europe/London')).toBe('00:00');
    expect(formatDay(SUMMER, 'Europe/London')).toBe('Tue 4 Jun');
    expect(formatDayTime(SUMMER, 'Europe/London')).toBe('Tue 4 Jun 14:05');
    // 23:30 UTC on the 9th is already the 10th in Paris.
    expect(formatDayTime(WINTER, 'Europe/Paris')).toBe('Wed 10 Jan 00:30');
    expect(localDayKey(WINTER, 'Europe/London')).not.toBe(localDayKey(WINTER, 'Europe/Paris'));
  });

  it('name the zone as people know it, summer and winter', () => {
    expect(formatZoneName(SUMMER, 'Europe/London')).toBe('BST');
    expect(formatZoneName(WINTER, 'Europe/London')).toBe('GMT');
    expect(formatZoneName(SUMMER, 'UTC')).toBe('UTC');
  });

  it('refuse a zone that does not exist', () => {
    expect(() => formatClock(SUMMER, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('zones in words', () => {
  it('name every zone, in full and in short', () => {
    expect(HEART_RATE_ZONES.map(formatZone)).toEqual([
      'resting',
      'Z1 very light',
      'Z2 light',
      'Z3 moderate',
      'Z4 hard',
      'Z5 maximum',
      'above max',
    ]);
    expect(HEART_RATE_ZONES.map(formatZoneShort)).toEqual([
      'rest',
      'Z1',
      'Z2',
      'Z3',
      'Z4',
      'Z5',
      'above max',
    ]);
  });
});

describe('formatCalendarDate', () => {
  it('names the date itself, whatever the zone of the machine', () => {
    expect(formatCalendarDate('2026-12-03')).toBe('Thursday 3 December 2026');
    expect(formatCalendarDate('2026-03-29', 'short')).toBe('29 March');
  });
});
