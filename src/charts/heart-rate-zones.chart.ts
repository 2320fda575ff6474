// "How hard did riders' hearts work on 3 December?": rides by the zone their average heart rate
// reached (of the rider's personal maximum), in rising order, each bar in its zone's colour and
// named under it, so the colour is never the only sign; rides of unknown zone get a grey bar.
import { HEART_RATE_ZONES, type HeartRateZone } from '../domain/heart-rate-zones.js';
import { axisStyle, emptyChart, frame, isNarrow, niceRange, textWidthPx } from './frame.js';
import { formatCount, formatDuration, formatZone, formatZoneShort } from './format.js';
import type { ChartOption, PeriodChartOptions } from './option.js';
import { colourIn, UNKNOWN_ZONE_COLOUR, ZONE_COLOURS } from './palette.js';
import { rideCountBars } from './ride-count-bars.js';

/** Rides whose average heart rate fell in a zone; `zone` null: unknown (no maximum, no contact). */
export interface ZoneRow {
  readonly zone: HeartRateZone | null;
  readonly rideCount: number;
  readonly durationS: number;
}

const UNKNOWN = 'unknown';

/** Rides per heart-rate zone over a period. */
export function heartRateZonesChart(
  rows: readonly ZoneRow[],
  opts: PeriodChartOptions,
): ChartOption {
  const title = `How hard did riders\u2019 hearts work ${opts.rangeWords}?`;
  const sum = (id: HeartRateZone['id'] | null, key: 'rideCount' | 'durationS') =>
    rows.filter((r) => (r.zone?.id ?? null) === id).reduce((a, r) => a + r[key], 0);
  const bars: { zone: HeartRateZone | null; rides: number }[] = HEART_RATE_ZONES.map((z) => ({
    zone: z,
    rides: sum(z.id, 'rideCount'),
  }));
  // Rides of unknown zone get a bar only when there are some, as riders of unknown age do.
  const unknownRides = sum(null, 'rideCount');
  if (unknownRides > 0) bars.push({ zone: null, rides: unknownRides });
  const total = bars.reduce((a, b) => a + b.rides, 0);
  if (total === 0) return emptyChart(opts, title, `No rides ${opts.rangeWords}`);

  const { theme } = opts;
  const style = axisStyle(theme);
  const narrow = isNarrow(opts);
  const duration = rows.reduce((a, r) => a + r.durationS, 0);
  const nameOf = (z: HeartRateZone | null) => (z === null ? UNKNOWN : formatZone(z));
  // Standing bars are narrow: the zone's number above its name, on two lines.
  const stacked = (z: HeartRateZone | null) => {
    if (z === null) return UNKNOWN;
    const short = formatZoneShort(z);
    const long = formatZone(z);
    return long.startsWith(`${short} `) ? `${short}\n${long.slice(short.length + 1)}` : long;
  };
  const description =
    'Rides by the zone of their average heart rate: ' +
    bars.map((b) => `${nameOf(b.zone)} ${formatCount(b.rides, 'ride', 'rides')}`).join(', ') +
    '.';
  const { option: base, plotTop } = frame(
    opts,
    title,
    [
      formatCount(total, 'ride', 'rides'),
      `${formatDuration(duration)} ridden`,
      'zone of each ride\u2019s average heart rate',
    ],
    description,
  );
  const yRange = niceRange(0, Math.max(...bars.map((b) => b.rides)) * 1.1, 4);
  const zoneAxis = {
    type: 'category',
    data: bars.map((b) => (narrow ? nameOf(b.zone) : stacked(b.zone))),
    name: narrow ? '' : 'share of the rider\u2019s maximum heart rate',
    nameLocation: 'middle',
    nameGap: 46,
    nameTextStyle: style.nameTextStyle,
    axisLine: style.axisLine,
    axisTick: { show: false },
    axisLabel: { ...style.axisLabel, color: theme.text, interval: 0, lineHeight: 14 },
  } as const;
  const zoneSpace = Math.ceil(Math.max(...bars.map((b) => textWidthPx(nameOf(b.zone))))) + 20;

  return {
    ...base,
    ...rideCountBars({
      theme,
      narrow,
      plotTop,
      yRange,
      categoryAxis: zoneAxis,
      categorySpacePx: zoneSpace,
      bottomPx: 66,
      bars: bars.map((b) => ({
        rides: b.rides,
        colour: colourIn(b.zone ? ZONE_COLOURS[b.zone.id] : UNKNOWN_ZONE_COLOUR, theme),
      })),
      barCategoryGap: '25%',
    }),
    tooltip: { ...base.tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
  };
}
