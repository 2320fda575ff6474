// The report's model in words: the day, the time zone, who a rider is, what an alert's mail did.
// Figures themselves are formatted by charts/format.ts, the same en-GB formatters as the dashboard.
import { formatCalendarDate, formatClock, formatZoneName } from '../charts/index.js';
import type { DailyReport, ReportAlert } from './daily-report.js';

const HOUR_MS = 3_600_000;

/** The report's day in words: `Thursday 3 December 2026`. */
export function dayWords(report: DailyReport): string {
  return formatCalendarDate(report.date);
}

/**
 * The period for a chart's question: `on 3 December`. Never "yesterday": a report asked for on
 * demand may be of any day, and a PDF is read days later.
 */
export function rangeWords(report: DailyReport): string {
  return `${report.partial ? 'so far on' : 'on'} ${formatCalendarDate(report.date, 'short')}`;
}

/** The zone names the day's clock times are in: `GMT`, or `BST, then GMT` the day clocks change. */
export function zoneWords(report: DailyReport): string {
  const first = formatZoneName(report.fromMs, report.timeZone);
  const last = formatZoneName(report.untilMs - 1, report.timeZone);
  return first === last ? first : `${first}, then ${last}`;
}

/**
 * A clock time of the day: `14:05`; `01:30 GMT` when the clocks going back make that reading
 * happen twice in the day.
 */
export function clockWords(report: DailyReport, atMs: number): string {
  const clock = formatClock(atMs, report.timeZone);
  const twice = [atMs - HOUR_MS, atMs + HOUR_MS].some(
    (other) =>
      other >= report.fromMs &&
      other < report.untilMs &&
      formatClock(other, report.timeZone) === clock,
  );
  return twice ? `${clock} ${formatZoneName(atMs, report.timeZone)}` : clock;
}

/** How a partial report says it is not the whole day: `so far, as of 14:05`. */
export function asOfWords(report: DailyReport): string {
  return `so far, as of ${formatClock(report.generatedAtMs, report.timeZone)}`;
}

/** A rider as the report may show them: the name for an admin, `Rider 123` otherwise. */
export function riderWords(name: string | null, riderId: number): string {
  return name ?? `Rider ${riderId}`;
}

/** An alert's kind in words. */
export function alertKindWords(kind: ReportAlert['kind']): string {
  switch (kind) {
    case 'high':
      return 'high heart rate';
    case 'low':
      return 'low heart rate';
  }
}

/** What became of an alert's mail, in words. */
export function mailWords(state: ReportAlert['state']): string {
  switch (state) {
    case 'queued':
      return 'waiting to send';
    case 'sent':
      return 'sent';
    case 'failed':
      return 'failed to send';
  }
}
