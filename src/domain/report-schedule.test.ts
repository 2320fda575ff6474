import { describe, expect, it } from 'vitest';
import { checkCron, dueReportDays, nextRunMs } from './report-schedule.js';

const LONDON = { cron: '0 7 * * *', timeZone: 'Europe/London' };
// 4 December 2026 is a Friday; London is on GMT.
const at = (iso: string) => Date.parse(iso);

describe('dueReportDays', () => {
  it('covers the day before each run, once the run has passed', () => {
    expect(dueReportDays(LONDON, at('2026-12-04T08:00:00Z'), null, 7)).toEqual(['2026-12-03']);
    expect(dueReportDays(LONDON, at('2026-12-04T07:00:00Z'), null, 7)).toEqual(['2026-12-03']);
    // Before today's run, the latest due day is the one yesterday's run covered.
    expect(dueReportDays(LONDON, at('2026-12-04T06:59:00Z'), null, 7)).toEqual(['2026-12-02']);
  });

  it('catches up the days after the latest queued one, at most catchUpDays back', () => {
    const now = at('2026-12-04T08:00:00Z');
    expect(dueReportDays(LONDON, now, '2026-11-30', 7)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
    expect(dueReportDays(LONDON, now, '2026-12-03', 7)).toEqual([]);
    expect(dueReportDays(LONDON, now, '2026-01-01', 3)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
  });

  it('reads the schedule in the display zone, across a clock change', () => {
    // 07:00 in New York is 12:00 UTC in December.
    const ny = { cron: '0 7 * * *', timeZone: 'America/New_York' };
    expect(dueReportDays(ny, at('2026-12-04T11:59:00Z'), null, 7)).toEqual(['2026-12-02']);
    expect(dueReportDays(ny, at('2026-12-04T12:00:00Z'), null, 7)).toEqual(['2026-12-03']);
    // 01:30 does not exist in London on 29 March 2026: the run still happens, after the gap.
    const gap = { cron: '30 1 * * *', timeZone: 'Europe/London' };
    expect(dueReportDays(gap, at('2026-03-29T02:00:00Z'), '2026-03-27', 7)).toEqual(['2026-03-28']);
  });

  it('covers every day that ended since the run before (weekdays only: the weekend on Monday)', () => {
    const weekdays = { cron: '0 7 * * 1-5', timeZone: 'Europe/London' };
    // Saturday 5 December: no run yet since Friday's, which covered Thursday.
    expect(dueReportDays(weekdays, at('2026-12-05T08:00:00Z'), '2026-12-03', 7)).toEqual([]);
    // Monday 7 December, after 07:00: Friday, Saturday and Sunday.
    expect(dueReportDays(weekdays, at('2026-12-07T08:00:00Z'), '2026-12-03', 7)).toEqual([
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
  });
});

describe('checkCron and nextRunMs', () => {
  it('accept 5-field expressions and say what is wrong with others', () => {
    expect(checkCron('0 7 * * *', 'Europe/London')).toBeNull();
    expect(checkCron('0 7 * *', 'Europe/London')).toMatch(/./);
    expect(checkCron('not cron', 'Europe/London')).toMatch(/./);
    expect(nextRunMs(LONDON, at('2026-12-04T08:00:00Z'))).toBe(at('2026-12-05T07:00:00Z'));
  });
});
