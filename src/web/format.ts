// Figures for people: en-GB, units always, no more decimals than the measure deserves.

import { formatCalendarDate } from '../charts/format.js';

const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** The display time zone the server was given (DISPLAY_TIMEZONE). */
export const TIME_ZONE = (() => {
  const tz = document.querySelector<HTMLMetaElement>('meta[name="deloton-time-zone"]')?.content;
  try {
    if (tz && !tz.includes('%')) {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return tz;
    }
  } catch {
    // An unknown zone falls back to the browser's own.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
})();

const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const clockShort = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});
const dayTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const full = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  dateStyle: 'full',
  timeStyle: 'long',
});

const dash = '–';

/** A whole number with separators, or a dash. */
export const n0 = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : int.format(v);

/** One decimal at most. */
export const n1 = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? dash : one.format(v);

/** `142 bpm`. */
export const bpm = (v: number | null | undefined): string => `${n0(v)} bpm`;
/** `238 W`. */
export const watts = (v: number | null | undefined): string => `${n0(v)} W`;
/** `1,204 kJ`. */
export const kj = (v: number | null | undefined): string => `${n0(v)} kJ`;

/** A ride's length: `45 s`, `34 min`, `1 h 05 min`. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return dash;
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A stopwatch: `4:07`, `1:02:03`. */
export function stopwatch(s: number): string {
  const t = Math.max(0, Math.floor(s));
  const hh = Math.floor(t / 3600);
  const mm = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** `14:05:03` in the display time zone. */
export const clockTime = (ms: number): string => clock.format(ms);
/** `14:05`. */
export const shortTime = (ms: number): string => clockShort.format(ms);
/** `Fri 4 Dec, 14:05`. */
export const dayAndTime = (ms: number): string => dayTime.format(ms);
/** The absolute time in words, for hovers. */
export const fullTime = (ms: number): string => full.format(ms);

/** `just now`, `12 min ago`, `3 h ago`, `2 days ago`. */
export function ago(ms: number, nowMs: number): string {
  const s = Math.round((nowMs - ms) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  if (hrs < 36) return `${hrs} h ago`;
  return `${Math.round(hrs / 24)} days ago`;
}

/** A time as people read it: "12 min ago" with the absolute time in the display zone. */
export function timeElement(ms: number, nowMs: number): HTMLTimeElement {
  const el = document.createElement('time');
  el.dateTime = new Date(ms).toISOString();
  el.title = fullTime(ms);
  el.textContent = `${ago(ms, nowMs)} (${nowMs - ms > 20 * 3600_000 ? dayAndTime(ms) : shortTime(ms)})`;
  return el;
}

/** Whole years between a `YYYY-MM-DD` date and now: "member for 3 years". */
export function yearsSince(date: string, nowMs: number): string {
  const days = (nowMs - Date.parse(`${date}T00:00:00Z`)) / 86_400_000;
  if (!Number.isFinite(days)) return dash;
  if (days < 60) return `${Math.max(0, Math.round(days))} days`;
  if (days < 730) return `${Math.round(days / 30.44)} months`;
  return `${Math.floor(days / 365.25)} years`;
}

/** `female` → `Female`. */
export const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const dayKey = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** The calendar day of an instant in the display time zone, as `YYYY-MM-DD`. */
export const localDay = (ms: number): string => dayKey.format(ms);

/** A calendar day (`YYYY-MM-DD`) in words: `Thursday 3 December 2026`, as the report writes it. */
export const dayInWords = (date: string): string => formatCalendarDate(date);

/** A file's size: `840 bytes`, `182 KB`, `1.4 MB`. */
export function fileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return dash;
  if (bytes < 1024) return `${int.format(bytes)} bytes`;
  if (bytes < 1024 * 1024) return `${int.format(Math.round(bytes / 1024))} KB`;
  return `${one.format(bytes / (1024 * 1024))} MB`;
}
