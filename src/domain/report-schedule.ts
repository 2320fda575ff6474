// When reports fall due: REPORT_CRON, read in DISPLAY_TIMEZONE by croner (no cron parsing here).
// A run covers every calendar day that ended since the run before it: the day before, for a
// daily schedule; Friday to Sunday on Monday, for a weekdays-only one.
import { Cron } from 'croner';
import { calendarDay, dateIn, daysBefore } from './calendar-day.js';

/** A report schedule: a cron expression in a time zone. */
export interface ReportSchedule {
  readonly cron: string;
  readonly timeZone: string;
}

/** The parsed schedule; throws croner's error for an expression it cannot read. */
export function cronOf(s: ReportSchedule): Cron {
  return new Cron(s.cron, { timezone: s.timeZone, mode: '5-part' });
}

/** Whether `cron` is a standard 5-field expression with a run to come; else why not. */
export function checkCron(cron: string, timeZone: string): string | null {
  try {
    return cronOf({ cron, timeZone }).nextRun() === null ? 'never runs again' : null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The next run after `nowMs`, epoch ms; null when the schedule never runs again. */
export function nextRunMs(s: ReportSchedule, nowMs: number): number | null {
  return cronOf(s).nextRun(new Date(nowMs))?.getTime() ?? null;
}

/**
 * The days whose report is due at `nowMs`, oldest first: a day is due once the schedule has run
 * after its end. Days after `latestQueued` (the newest day any process has queued) and at
 * most `catchUpDays` back are returned, so days missed while every process was down are caught
 * up; a new installation (`latestQueued` null) starts with the latest due day alone.
 */
export function dueReportDays(
  s: ReportSchedule,
  nowMs: number,
  latestQueued: string | null,
  catchUpDays: number,
): string[] {
  const cron = cronOf(s);
  const today = dateIn(s.timeZone, nowMs);
  const due: string[] = [];
  for (let back = 1; back <= catchUpDays; back++) {
    const day = daysBefore(today, back);
    if (latestQueued !== null && day <= latestQueued) break;
    const next = daysBefore(today, back - 1);
    const run = cron.nextRun(new Date(calendarDay(next, s.timeZone).fromMs - 1));
    if (run && run.getTime() <= nowMs) {
      due.push(day);
      if (latestQueued === null) break;
    }
  }
  return due.reverse();
}
