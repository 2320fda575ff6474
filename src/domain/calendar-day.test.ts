import { describe, expect, it } from 'vitest';
import { calendarDay, dateIn, parseCalendarDate } from './calendar-day.js';

describe('calendar days', () => {
  it('reads both date forms and refuses impossible or malformed dates', () => {
    expect(parseCalendarDate('2022-07-06')).toEqual({ kind: 'ok', date: '2022-07-06' });
    expect(parseCalendarDate('06-07-2022')).toEqual({ kind: 'ok', date: '2022-07-06' });
    expect(parseCalendarDate('29-02-2024')).toEqual({ kind: 'ok', date: '2024-02-29' });
    for (const bad of [
      '2023-02-29',
      '31-04-2022',
      '2022-13-01',
      '2022-7-6',
      "1' OR 1=1",
      '',
      '0000-01-01',
    ])
      expect(parseCalendarDate(bad).kind).toBe('reject');
  });

  it('spans 24 hours, or 23 and 25 across the clock changes, in the zone given', () => {
    const h = (d: { fromMs: number; untilMs: number }): number =>
      (d.untilMs - d.fromMs) / 3_600_000;
    const summer = calendarDay('2022-07-06', 'Europe/London');
    expect(new Date(summer.fromMs).toISOString()).toBe('2022-07-05T23:00:00.000Z');
    expect(h(summer)).toBe(24);
    expect(h(calendarDay('2022-03-27', 'Europe/London'))).toBe(23);
    expect(h(calendarDay('2022-10-30', 'Europe/London'))).toBe(25);
    expect(calendarDay('2022-07-06', 'UTC').fromMs).toBe(Date.UTC(2022, 6, 6));
  });

  it('starts a day where clocks skip midnight at the first instant that is really that day', () => {
    const h = (d: { fromMs: number; untilMs: number }): number =>
      (d.untilMs - d.fromMs) / 3_600_000;
    // Chile moved from -04 to -03 at midnight on 11 September 2022: the day began at 01:00.
    const skip = calendarDay('2022-09-11', 'America/Santiago');
    expect(new Date(skip.fromMs).toISOString()).toBe('2022-09-11T04:00:00.000Z');
    expect(h(skip)).toBe(23);
    expect(h(calendarDay('2022-09-10', 'America/Santiago'))).toBe(24);
    expect(dateIn('America/Santiago', skip.fromMs)).toBe('2022-09-11');
    expect(dateIn('America/Santiago', skip.fromMs - 1)).toBe('2022-09-10');
  });

  it('names the local date of an instant', () => {
    expect(dateIn('Europe/London', Date.UTC(2022, 6, 5, 23, 30))).toBe('2022-07-06');
    expect(dateIn('UTC', Date.UTC(2022, 6, 5, 23, 30))).toBe('2022-07-05');
  });
});
