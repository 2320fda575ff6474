// Feed timestamps carry no zone; the zone is a setting. Offsets are cached per zone and hour
// because Intl formatting is far too slow to run for every line.

const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC in ms at the instant `utcMs` (local = UTC + offset). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** True when `zone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Converts a wall-clock time in `zone` to epoch ms (the earlier instant when a clock change repeats it). */
export function wallClockToEpochMs(wallAsUtcMs: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return wallAsUtcMs;
  const hourKey = `${zone}|${Math.floor(wallAsUtcMs / 3_600_000)}`;
  let offset = offsetCache.get(hourKey);
  if (offset === undefined) {
    // Two passes settle the offset across a DST boundary.
    const first = zoneOffsetMs(zone, wallAsUtcMs);
    offset = zoneOffsetMs(zone, wallAsUtcMs - first);
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(hourKey, offset);
  }
  return wallAsUtcMs - offset;
}
