// "How hard did the heart work on this ride?": heart rate over minutes into the ride, the line
// coloured by zone, each zone a tinted band named in words beside the plot, the personal maximum
// a labelled line, and lost contact a gap saying so (never a drop to zero).
import { HEART_RATE_ZONES, zoneOf, type HeartRateZone } from '../domain/heart-rate-zones.js';
import { withAlpha } from './colour.js';
import { emptyChart, frame, isNarrow, labelSpacePx, niceRange, textWidthPx } from './frame.js';
import { formatBpm, formatDayTime, formatInteger, formatZone, formatZoneShort } from './format.js';
import type { ChartOption, ChartOptions, MarkAreaItem } from './option.js';
import { extent, mean } from './numbers.js';
import { colourIn, MEASURE_COLOURS, ZONE_COLOURS, type ChartTheme } from './palette.js';
import { elapsedAxis, elapsedTooltip, figureAxis, inElapsedOrder } from './ride-axes.js';

/** One reading's heart rate; 0 or null is no contact (hands off the sensors). */
export interface HeartRateReading {
  readonly elapsedS: number;
  readonly heartRate: number | null;
}

/** A ride's heart rate, with the personal maximum fixed at its start (null when unknown). */
export interface RideHeartRateData {
  readonly startedAtMs: number;
  readonly maxBpm: number | null;
  readonly readings: readonly HeartRateReading[];
}

const TITLE = 'How hard did the heart work on this ride?';
// Shorter drop-outs are routine (a hand lifted for a second): the line's gap shows them.
const NAMED_GAP_S = 10;

/** The heart-rate chart of one ride. */
export function rideHeartRateChart(data: RideHeartRateData, opts: ChartOptions): ChartOption {
  const readings = inElapsedOrder(data.readings);
  const contact = (r: HeartRateReading): r is HeartRateReading & { heartRate: number } =>
    r.heartRate !== null && r.heartRate > 0;
  const valid = readings.filter(contact);
  if (readings.length === 0) return emptyChart(opts, TITLE, 'No readings from this ride yet');
  if (valid.length === 0) return emptyChart(opts, TITLE, 'No heart-rate contact on this ride');

  const { theme } = opts;
  const maxBpm = data.maxBpm !== null && data.maxBpm > 0 ? data.maxBpm : null;
  const bpms = valid.map((r) => r.heartRate);
  const { min: lowest, max: highest } = extent(bpms);
  const average = mean(bpms);
  // Room above the maximum, so the band of "above max" is seen even when nobody reached it.
  const yRange = niceRange(
    Math.max(0, lowest - 8),
    Math.max(highest + 5, maxBpm === null ? 0 : maxBpm * 1.08),
  );
  const lastS = readings[readings.length - 1]!.elapsedS;
  const colour = (zone: HeartRateZone) => colourIn(ZONE_COLOURS[zone.id], theme);

  const subtitle = [
    `Started ${formatDayTime(data.startedAtMs, opts.timeZone)}`,
    `average ${formatBpm(average)}`,
    `highest ${formatBpm(highest)}`,
    ...(maxBpm === null ? ['no personal maximum known, so no zones'] : []),
  ];
  const description =
    `Heart rate over ${Math.ceil(lastS / 60)} minutes: average ${formatBpm(average)}, ` +
    `highest ${formatBpm(highest)}` +
    (maxBpm === null ? '.' : `, personal maximum ${formatBpm(maxBpm)}.`);

  const narrow = isNarrow(opts);
  const { option: base, plotTop } = frame(opts, TITLE, subtitle, description);
  // Zones are named right of the plot, in full where there is room.
  const zoneName = narrow ? formatZoneShort : formatZone;
  const widestZone = Math.max(...HEART_RATE_ZONES.map((z) => textWidthPx(zoneName(z))));
  const right = maxBpm === null ? 36 : Math.ceil(widestZone) + 16;
  const maxColour = colour(lastZone());

  return {
    ...base,
    grid: { left: labelSpacePx(yRange, formatInteger), right, top: plotTop, bottom: 36 },
    xAxis: elapsedAxis(theme, lastS),
    yAxis: figureAxis(theme, 'bpm', yRange),
    ...(maxBpm === null
      ? {}
      : {
          visualMap: {
            type: 'piecewise',
            show: false,
            seriesIndex: 0,
            dimension: 1,
            pieces: zonePieces(maxBpm, colour),
          },
        }),
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      formatter: elapsedTooltip((bpm) => {
        if (bpm === null) return 'no contact';
        const zone = zoneOf(bpm, maxBpm);
        return zone === null ? formatBpm(bpm) : `${formatBpm(bpm)} · ${formatZone(zone)}`;
      }),
    },
    series: [
      {
        type: 'line',
        name: 'heart rate',
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 2 },
        ...(maxBpm === null ? { color: colourIn(MEASURE_COLOURS.heartRate, theme) } : {}),
        data: readings.map((r) => [r.elapsedS / 60, contact(r) ? r.heartRate : null]),
        markArea: {
          silent: true,
          data: [
            ...(maxBpm === null ? [] : zoneBands(maxBpm, yRange, colour, zoneName)),
            ...noContactAreas(readings, contact, lastS, theme),
          ],
        },
        ...(maxBpm === null
          ? {}
          : {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: maxColour, type: 'dashed', width: 1.5 },
                label: {
                  formatter: `personal max ${formatBpm(maxBpm)}`,
                  position: 'insideStartTop',
                  color: maxColour,
                  fontSize: 12,
                  fontWeight: 600,
                  // Stays readable where the line runs through it.
                  backgroundColor: withAlpha(theme.background, 0.8),
                  padding: [1, 4],
                },
                data: [{ yAxis: maxBpm }],
              },
            }),
      },
    ],
  };
}

function lastZone(): HeartRateZone {
  return HEART_RATE_ZONES[HEART_RATE_ZONES.length - 1]!;
}

/** The bpm range of each zone for this maximum, as `zoneOf` draws the lines. */
function zoneRanges(maxBpm: number): { zone: HeartRateZone; from: number; to: number | null }[] {
  return HEART_RATE_ZONES.map((zone, i) => {
    const next = HEART_RATE_ZONES[i + 1];
    if (zone.id === 'above') return { zone, from: maxBpm, to: null };
    return { zone, from: zone.fromShare * maxBpm, to: next ? next.fromShare * maxBpm : null };
  });
}

/** visualMap pieces colouring the line: from a zone's start (inclusive) to the next's. */
function zonePieces(maxBpm: number, colour: (z: HeartRateZone) => string) {
  return zoneRanges(maxBpm).map(({ zone, from, to }) => {
    // Exactly at the maximum is still zone 5; only above it is "above max".
    if (zone.id === 'above') return { gt: from, color: colour(zone) };
    if (to === maxBpm) return { gte: from, lte: to, color: colour(zone) };
    return { gte: from, lt: to ?? Infinity, color: colour(zone) };
  });
}

/** A tinted band per zone, named beside the plot (the zone in words, not colour alone). */
function zoneBands(
  maxBpm: number,
  { min: yMin, max: yMax }: { min: number; max: number },
  colour: (z: HeartRateZone) => string,
  zoneName: (z: HeartRateZone) => string,
): MarkAreaItem[] {
  return zoneRanges(maxBpm).flatMap(({ zone, from, to }) => {
    const lo = Math.max(yMin, from);
    const hi = Math.min(yMax, to ?? yMax);
    if (hi <= lo) return [];
    // A sliver of a band has no room for its name; the tint alone still shows it.
    const named = (hi - lo) / (yMax - yMin) >= 0.06;
    return [
      [
        {
          yAxis: lo,
          itemStyle: { color: withAlpha(colour(zone), 0.07) },
          label: {
            show: named,
            position: 'right',
            distance: 6,
            formatter: zoneName(zone),
            color: colour(zone),
            fontSize: 12,
          },
        },
        { yAxis: hi },
      ],
    ];
  });
}

/** Shaded spans where contact was lost for a while, named `no contact` when wide enough. */
function noContactAreas(
  readings: readonly HeartRateReading[],
  contact: (r: HeartRateReading) => boolean,
  lastS: number,
  theme: ChartTheme,
): MarkAreaItem[] {
  const spans: { from: number; to: number }[] = [];
  let from: number | null = null;
  let prevContactS = 0;
  for (const r of readings) {
    if (!contact(r)) from ??= prevContactS;
    else {
      if (from !== null) spans.push({ from, to: r.elapsedS });
      from = null;
      prevContactS = r.elapsedS;
    }
  }
  if (from !== null) spans.push({ from, to: lastS });
  const range = Math.max(60, lastS);
  return spans
    .filter((s) => s.to - s.from >= NAMED_GAP_S)
    .map((s) => [
      {
        xAxis: s.from / 60,
        itemStyle: { color: withAlpha(theme.mutedText, 0.12) },
        // Too narrow to write across: written upwards instead.
        label: {
          show: (s.to - s.from) / range >= 0.025,
          ...((s.to - s.from) / range < 0.12 ? { rotate: 90 } : {}),
          position: 'inside',
          formatter: 'no contact',
          color: theme.mutedText,
          fontSize: 12,
        },
      },
      { xAxis: s.to / 60 },
    ]);
}
