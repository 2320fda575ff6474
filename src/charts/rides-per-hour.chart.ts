// "When did riders ride on 3 December?": rides started in each local hour of a day as bars, one
// per hour, labelled in the display time zone. A day the clocks change has 23 or 25 bars, and
// the axis names both zones.
import { axisStyle, emptyChart, frame, labelSpacePx, niceRange } from './frame.js';
import { formatClock, formatCount, formatInteger, formatZoneName } from './format.js';
import type { ChartOption, PeriodChartOptions } from './option.js';
import { colourIn, MEASURE_COLOURS } from './palette.js';

/** Rides started in one hour; `atMs` is the hour's start. */
export interface HourRides {
  readonly atMs: number;
  readonly rideCount: number;
}

const HOUR_MS = 3_600_000;

/** Rides started per hour of a day (the hours in time order, every hour present). */
export function ridesPerHourChart(
  hours: readonly HourRides[],
  opts: PeriodChartOptions,
): ChartOption {
  const title = `When did riders start their rides ${opts.rangeWords}?`;
  const slots = [...hours].sort((a, b) => a.atMs - b.atMs);
  const total = slots.reduce((a, h) => a + h.rideCount, 0);
  if (total === 0) return emptyChart(opts, title, `No rides ${opts.rangeWords}`);

  const { theme, timeZone } = opts;
  const style = axisStyle(theme);
  const counts = slots.map((h) => h.rideCount);
  const peak = Math.max(...counts);
  const peakIndex = counts.indexOf(peak);
  const peakHour = slots[peakIndex]!;
  const hourWords = (h: HourRides) =>
    `${formatClock(h.atMs, timeZone)}\u2013${formatClock(h.atMs + HOUR_MS, timeZone)}`;
  const zones = [...new Set(slots.map((h) => formatZoneName(h.atMs, timeZone)))];
  const description =
    'Rides started per hour: ' +
    slots.map((h) => `${hourWords(h)} ${formatCount(h.rideCount, 'ride', 'rides')}`).join(', ') +
    '.';
  const { option: base, plotTop } = frame(
    opts,
    title,
    [
      `${formatCount(total, 'ride', 'rides')} started`,
      `busiest ${hourWords(peakHour)} with ${formatCount(peak, 'ride', 'rides')}`,
    ],
    description,
  );
  const yRange = niceRange(0, peak * 1.12, 4);
  const lean =
    peakIndex > slots.length * 0.75 ? 'right' : peakIndex < slots.length * 0.25 ? 'left' : 'center';

  return {
    ...base,
    grid: { left: labelSpacePx(yRange, formatInteger), right: 24, top: plotTop, bottom: 52 },
    xAxis: {
      type: 'category',
      data: slots.map((h) => formatClock(h.atMs, timeZone)),
      // Clocks that go back repeat an hour: both zone names say which is which.
      name: `hour started (${zones.join(', then ')})`,
      nameLocation: 'middle',
      nameGap: 32,
      nameTextStyle: style.nameTextStyle,
      axisLine: style.axisLine,
      axisTick: { show: false },
      axisLabel: style.axisLabel,
    },
    yAxis: {
      type: 'value',
      ...yRange,
      minInterval: 1,
      name: 'rides',
      nameGap: 12,
      nameTextStyle: { ...style.nameTextStyle, align: 'right' },
      axisLabel: { ...style.axisLabel, formatter: (v: number) => formatInteger(v) },
      splitLine: style.splitLine,
    },
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const slot = first === undefined ? undefined : slots[first.dataIndex];
        return slot ? `${hourWords(slot)}<br/>${formatCount(slot.rideCount, 'ride', 'rides')}` : '';
      },
    },
    series: [
      {
        type: 'bar',
        name: 'rides',
        color: colourIn(MEASURE_COLOURS.rides, theme),
        barCategoryGap: '20%',
        // The busiest hour is named on the chart; every hour in the tooltip.
        data: counts.map((v, i) =>
          i === peakIndex
            ? {
                value: v,
                label: {
                  show: true,
                  position: 'top',
                  align: lean,
                  formatter: formatCount(v, 'ride', 'rides'),
                  color: theme.text,
                  fontSize: 12,
                  fontWeight: 600,
                },
              }
            : v,
        ),
      },
    ],
  };
}
