import { wallClockToEpochMs } from './feed-time.js';

/** A calendar day, as people in one time zone see it: its name and the instants it spans. */
export interface CalendarDay {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly timeZone: string;
  /** First instant of the day (inclusive), epoch ms. */
  readonly fromMs: number;
  /** First instant of the next day (exclusive), epoch ms. */
  readonly untilMs: number;
}

export type ParsedDate = { kind: 'ok'; date: string } | { kind: 'reject'; reason: string };

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Parses `YYYY-MM-DD` or the brief's `DD-MM-YYYY` into `YYYY-MM-DD`, refusing impossible dates. */
export function parseCalendarDate(text: string): ParsedDate {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const brief = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  const parts = iso
    ? { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) }
    : brief
      ? { y: Number(brief[3]), m: Number(brief[2]), d: Number(brief[1]) }
      : null;
  if (!parts) return { kind: 'reject', reason: 'must be a date as YYYY-MM-DD or DD-MM-YYYY' };
  const { y, m, d } = parts;
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 9998 || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d)
    return { kind: 'reject', reason: `${text} is not a calendar date` };
  return { kind: 'ok', date: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
}

const STEP_MS = 15 * 60_000;

/**
 * The first instant of the local day `date`. Where clocks skip midnight itself (Santiago,
 * Havana), the wall-clock midnight does not exist and would resolve into the day before: step
 * forward to where the day really starts (offsets change on quarter hours).
 */
function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  let t = wallClockToEpochMs(Date.UTC(y, m - 1, d), timeZone);
  for (let i = 0; i < 12 && dateIn(timeZone, t) < date; i++) t += STEP_MS;
  return t;
}

/** The next calendar date after `date`. */
function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The day named `date` (`YYYY-MM-DD`) in `timeZone`; 23 or 25 hours long across a clock change. */
export function calendarDay(date: string, timeZone: string): CalendarDay {
  return {
    date,
    timeZone,
    fromMs: startOfDay(date, timeZone),
    untilMs: startOfDay(nextDate(date), timeZone),
  };
}

// Building an Intl formatter costs far more than using one: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The date (`YYYY-MM-DD`) it is in `timeZone` at the instant `atMs`. */
export function dateIn(timeZone: string, atMs: number): string {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f.format(new Date(atMs));
}

/** The day `days` before `date` (both `YYYY-MM-DD`). */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}
