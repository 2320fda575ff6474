// Figures and times as people read them: en-GB, a unit on every figure, whole numbers unless the
// measure deserves more, times in the display time zone and never as ISO text.
import type { HeartRateZone } from '../domain/heart-rate-zones.js';

const LOCALE = 'en-GB';
const INTEGER = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** A whole number with thousands separators: `1,204`. */
export function formatInteger(n: number): string {
  const rounded = Math.round(n);
  // Intl writes -0 as "-0"; a figure rounded to nothing is 0.
  return INTEGER.format(rounded === 0 ? 0 : rounded);
}

/** A heart rate: `142 bpm`. */
export function formatBpm(bpm: number): string {
  return `${formatInteger(bpm)} bpm`;
}

/** A power: `238 W`. */
export function formatWatts(watts: number): string {
  return `${formatInteger(watts)} W`;
}

/** An energy: `1,204 kJ`. */
export function formatKj(kj: number): string {
  return `${formatInteger(kj)} kJ`;
}

/** A whole percentage (0-100 already): `48 %`. */
export function formatPercent(percent: number): string {
  return `${formatInteger(percent)} %`;
}

/** A count with its noun: `1 ride`, `1,204 rides`. */
export function formatCount(n: number, one: string, many: string): string {
  return `${formatInteger(n)} ${Math.round(n) === 1 ? one : many}`;
}

/** A duration: `45 s` under a minute, `34 min` under an hour, then `1 h 05 min`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 59.5) return `${formatInteger(s)} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${formatInteger(hours)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(kind: 'clock' | 'day' | 'zone' | 'key', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    const options: Record<typeof kind, Intl.DateTimeFormatOptions> = {
      clock: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      day: { weekday: 'short', day: 'numeric', month: 'short' },
      zone: { timeZoneName: 'short' },
      key: { year: 'numeric', month: '2-digit', day: '2-digit' },
    };
    // Throws a RangeError for an unknown zone: a configuration error, caught at start-up.
    format = new Intl.DateTimeFormat(LOCALE, { ...options[kind], timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** A clock time in a time zone: `14:05`. */
export function formatClock(atMs: number, timeZone: string): string {
  return dateFormat('clock', timeZone).format(atMs);
}

/** A day in a time zone: `Tue 4 Jun`. */
export function formatDay(atMs: number, timeZone: string): string {
  return dateFormat('day', timeZone).format(atMs);
}

// A calendar date names itself: formatted at its UTC noon in UTC, it cannot shift a day.
const calendarDateFormats = {
  long: new Intl.DateTimeFormat(LOCALE, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }),
  short: new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'long', timeZone: 'UTC' }),
};

/** A calendar date (`YYYY-MM-DD`) in words: `Thursday 3 December 2026`, or short `3 December`. */
export function formatCalendarDate(date: string, style: 'long' | 'short' = 'long'): string {
  // From parts: ICU versions differ on a comma after the weekday, and Node and browsers differ.
  const parts = calendarDateFormats[style].formatToParts(Date.parse(`${date}T12:00:00Z`));
  return parts
    .filter((p) => p.type !== 'literal')
    .map((p) => p.value)
    .join(' ');
}

/** A day and time in a time zone, for ranges longer than a day: `Tue 4 Jun 14:05`. */
export function formatDayTime(atMs: number, timeZone: string): string {
  return `${formatDay(atMs, timeZone)} ${formatClock(atMs, timeZone)}`;
}

/** The zone's short name at an instant, as people know it: `BST`, `GMT`, `UTC`, `CEST`. */
export function formatZoneName(atMs: number, timeZone: string): string {
  const part = dateFormat('zone', timeZone)
    .formatToParts(atMs)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** The calendar day of an instant in a time zone, as a key that tells days apart. */
export function localDayKey(atMs: number, timeZone: string): string {
  return dateFormat('key', timeZone).format(atMs);
}

/** A heart-rate zone in words, as the charts and tiles name it: `Z3 moderate`, `above max`. */
export function formatZone(zone: HeartRateZone): string {
  switch (zone.id) {
    case 'rest':
      return 'resting';
    case 'above':
      return 'above max';
    case 'z1':
    case 'z2':
    case 'z3':
    case 'z4':
    case 'z5':
      return `${zone.id.toUpperCase()} ${zone.label}`;
  }
}

/** A zone in a word or two where room is short (phones): `Z3`, `rest`, `above max`. */
export function formatZoneShort(zone: HeartRateZone): string {
  switch (zone.id) {
    case 'rest':
      return 'rest';
    case 'above':
      return 'above max';
    case 'z1':
    case 'z2':
    case 'z3':
    case 'z4':
    case 'z5':
      return zone.id.toUpperCase();
  }
}

/** Time into a ride, as a stopwatch shows it: `12:04`, `1:02:09`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hh > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

const MINUS = '\u2212';

/** A change in whole percent with its sign, the minus a true minus: `+12 %`, `−8 %`, `0 %`. */
export function formatSignedPercent(percent: number): string {
  const rounded = Math.round(percent);
  if (rounded === 0) return formatPercent(0);
  return `${rounded > 0 ? '+' : MINUS}${formatPercent(Math.abs(rounded))}`;
}
