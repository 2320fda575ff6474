const DAY_MS = 86_400_000;

// Readings of a batch interleave hundreds of rides that started on a handful of days; formatting
// each row's day with Date#toISOString was 5 % of file ingest's time, and its garbage more.
const days = new Map<number, string>();
let lastN = NaN;
let lastDay = '';

/** Epoch ms → its UTC day as YYYY-MM-DD, remembered per day (the same string every time). */
export function utcDayOf(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  if (n === lastN) return lastDay;
  let day = days.get(n);
  if (day === undefined) {
    // Bounded: a replay of years of history must not grow it without end.
    if (days.size >= 4096) days.clear();
    day = new Date(n * DAY_MS).toISOString().slice(0, 10);
    days.set(n, day);
  }
  lastN = n;
  lastDay = day;
  return day;
}
