// "How much energy did riders put out in the last 12 hours?": the fleet's energy (kJ) per time
// bucket as bars, or, asked the other way ("How hard did riders pedal?"), the average power (W)
// per bucket as a line. Times are labelled in the display time zone, days by name when the
// period spans more than one.
import {
  axisStyle,
  DEFAULT_WIDTH_PX,
  emptyChart,
  frame,
  labelSpacePx,
  niceRange,
  textWidthPx,
} from './frame.js';
import {
  formatClock,
  formatDay,
  formatDayTime,
  formatInteger,
  formatKj,
  formatWatts,
  formatZoneName,
  localDayKey,
} from './format.js';
import type { ChartOption, PeriodChartOptions } from './option.js';
import { extent } from './numbers.js';
import { colourIn, MEASURE_COLOURS } from './palette.js';

/** One time bucket of the fleet: its start, the average power of its readings, its energy. */
export interface PowerBucket {
  readonly atMs: number;
  /** Null when nobody rode in the bucket. */
  readonly avgPowerW: number | null;
  readonly energyKj: number;
}

/** The buckets of a period (missing ones count as nobody riding), and the period's bounds. */
export interface PowerOverTimeData {
  readonly bucketMs: number;
  readonly buckets: readonly PowerBucket[];
  /** Start of the period: empty buckets are drawn back to it. */
  readonly fromMs?: number;
  /** End of the period (exclusive): empty buckets are drawn up to it. */
  readonly toMs?: number;
}

/** Which question the chart answers: energy per bucket (default) or average power. */
export interface PowerOverTimeOptions extends PeriodChartOptions {
  readonly measure?: 'energy' | 'power';
}

const DAY_MS = 86_400_000;
const MAX_SLOTS = 10_000;
const GRID_RIGHT = 24;

/** Fleet energy, or average power, over a period. */
export function powerOverTimeChart(
  data: PowerOverTimeData,
  opts: PowerOverTimeOptions,
): ChartOption {
  const measure = opts.measure ?? 'energy';
  const title =
    measure === 'energy'
      ? `How much energy did riders put out ${opts.rangeWords}?`
      : `How hard did riders pedal ${opts.rangeWords}?`;
  const slots = fillBuckets(data);
  if (!slots.some((b) => b.energyKj > 0 || (b.avgPowerW ?? 0) > 0))
    return emptyChart(opts, title, `No rides ${opts.rangeWords}`);

  const { theme, timeZone } = opts;
  const style = axisStyle(theme);
  const colour = colourIn(MEASURE_COLOURS[measure], theme);
  const values = slots.map((b) => (measure === 'energy' ? b.energyKj : b.avgPowerW));
  const present = values.filter((v): v is number => v !== null);
  const peak = extent(present).max;
  const peakIndex = values.indexOf(peak);
  const format = measure === 'energy' ? formatKj : formatWatts;
  const lastMs = slots[slots.length - 1]!.atMs;
  const manyDays = localDayKey(slots[0]!.atMs, timeZone) !== localDayKey(lastMs, timeZone);
  const yRange = niceRange(0, peak * 1.12, 4);
  const left = labelSpacePx(yRange, formatInteger);
  const plotPx = (opts.widthPx ?? DEFAULT_WIDTH_PX) - left - GRID_RIGHT;
  const labels = manyDays
    ? dayLabels(slots, timeZone, plotPx / slots.length, data.bucketMs)
    : slots.map((b) => formatClock(b.atMs, timeZone));
  const when = (b: PowerBucket) =>
    manyDays || data.bucketMs >= DAY_MS
      ? formatDayTime(b.atMs, timeZone)
      : formatClock(b.atMs, timeZone);
  const totalKj = slots.reduce((a, b) => a + b.energyKj, 0);
  const peakWords = `highest ${format(peak)} from ${when(slots[peakIndex]!)}`;
  const subtitle =
    measure === 'energy'
      ? [`${formatKj(totalKj)} in total`, peakWords]
      : ['Average power per rider riding', peakWords];
  const description =
    `${measure === 'energy' ? 'Energy' : 'Average power'} per ${minutesWords(data.bucketMs)}: ` +
    slots
      .map((b, i) => `${when(b)} ${values[i] === null ? 'nobody rode' : format(values[i]!)}`)
      .join(', ');
  const { option: base, plotTop } = frame(opts, title, subtitle, description);
  // Near either end the label leans inwards, so it is never cut by the chart's edge.
  const lean =
    peakIndex > slots.length * 0.75 ? 'right' : peakIndex < slots.length * 0.25 ? 'left' : 'center';
  const peakLabel = {
    show: true,
    position: 'top',
    align: lean,
    formatter: format(peak),
    color: theme.text,
    fontSize: 12,
    fontWeight: 600,
  } as const;

  return {
    ...base,
    grid: { left, right: GRID_RIGHT, top: plotTop, bottom: 52 },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: measure === 'energy',
      // A period across a clock change names both zones, as the hours repeat or skip.
      name: `time (${[...new Set([slots[0]!.atMs, lastMs].map((at) => formatZoneName(at, timeZone)))].join(', then ')})`,
      nameLocation: 'middle',
      nameGap: 32,
      nameTextStyle: style.nameTextStyle,
      axisLine: style.axisLine,
      axisTick: { show: false },
      axisLabel: { ...style.axisLabel, ...(manyDays ? { interval: 0, align: 'left' } : {}) },
    },
    yAxis: {
      type: 'value',
      ...yRange,
      name: measure === 'energy' ? 'kJ' : 'W',
      nameGap: 12,
      nameTextStyle: { ...style.nameTextStyle, align: 'right' },
      axisLabel: { ...style.axisLabel, formatter: (v: number) => formatInteger(v) },
      splitLine: style.splitLine,
    },
    tooltip: {
      ...base.tooltip,
      trigger: 'axis',
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const slot = first === undefined ? undefined : slots[first.dataIndex];
        if (!slot) return '';
        const value = measure === 'energy' ? slot.energyKj : slot.avgPowerW;
        return `${when(slot)}<br/>${value === null ? 'nobody rode' : format(value)}`;
      },
    },
    series: [
      measure === 'energy'
        ? {
            type: 'bar',
            name: 'energy',
            color: colour,
            barCategoryGap: '20%',
            // The peak is named on the chart; every bar is named in the tooltip.
            data: values.map((v, i) => (i === peakIndex ? { value: v, label: peakLabel } : v)),
          }
        : {
            type: 'line',
            name: 'average power',
            color: colour,
            // Points are drawn (invisibly) so that the peak's label has one to sit on.
            symbol: 'circle',
            symbolSize: 0,
            connectNulls: false,
            lineStyle: { width: 2, color: colour },
            data: values.map((v, i) =>
              i === peakIndex ? { value: v, label: peakLabel, symbol: 'circle', symbolSize: 6 } : v,
            ),
          },
    ],
  };
}

/** The buckets with the empty ones between, before and after them filled in. */
function fillBuckets(data: PowerOverTimeData): PowerBucket[] {
  const sorted = [...data.buckets].sort((a, b) => a.atMs - b.atMs);
  const step = data.bucketMs;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last || step <= 0) return sorted;
  // Back to the bucket holding the period's start, on to the one holding its end.
  let start = first.atMs;
  if (data.fromMs !== undefined && start > data.fromMs)
    start -= Math.ceil((start - data.fromMs) / step) * step;
  const end = Math.max(last.atMs, data.toMs === undefined ? -Infinity : data.toMs - 1);
  if ((end - start) / step > MAX_SLOTS) return sorted;
  const byAt = new Map(sorted.map((b) => [b.atMs, b]));
  const slots: PowerBucket[] = [];
  for (let at = start; at <= end; at += step)
    slots.push(byAt.get(at) ?? { atMs: at, avgPowerW: null, energyKj: 0 });
  // Buckets off the grid of steps (a caller's mistake) are kept rather than lost.
  const onGrid = new Set(slots.map((b) => b.atMs));
  const off = sorted.filter((b) => !onGrid.has(b.atMs));
  return off.length === 0 ? slots : [...slots, ...off].sort((a, b) => a.atMs - b.atMs);
}

/**
 * Category labels over several days: each day named once, at its first slot, as far as names
 * fit side by side (else every second, third... day); a first day begun too late to hold its
 * name before the next day's goes unnamed.
 */
function dayLabels(
  slots: readonly PowerBucket[],
  timeZone: string,
  slotPx: number,
  bucketMs: number,
): string[] {
  const days = slots.map((b) => localDayKey(b.atMs, timeZone));
  const namePx = textWidthPx('Wed 29 May') + 12;
  const firstDaySlots = days.findIndex((d) => d !== days[0]);
  const skipFirst = firstDaySlots > 0 && firstDaySlots * slotPx < namePx;
  const every = Math.max(1, Math.ceil(namePx / ((DAY_MS / bucketMs) * slotPx)));
  let dayIndex = skipFirst ? -2 : -1;
  return slots.map((b, i) => {
    if (i > 0 && days[i] === days[i - 1]) return '';
    dayIndex++;
    return dayIndex >= 0 && dayIndex % every === 0 ? formatDay(b.atMs, timeZone) : '';
  });
}

function minutesWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 1440 === 0) return minutes === 1440 ? 'day' : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}
