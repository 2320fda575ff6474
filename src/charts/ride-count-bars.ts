// The layout the charts of rides per category share (age bands, heart-rate zones): standing bars
// over a count axis on a wide chart, bars lying down with the unit on each label on a phone.
import type { BarSeriesOption } from 'echarts';
import { axisStyle, labelSpacePx } from './frame.js';
import { formatCount, formatInteger } from './format.js';
import type { ChartOption } from './option.js';
import type { ChartTheme } from './palette.js';

/** One bar: how many rides, in which colour. */
export interface RideCountBar {
  readonly rides: number;
  readonly colour: string;
}

/** The axes, grid and series of a rides-per-category chart, to spread over its frame. */
export function rideCountBars(o: {
  readonly theme: ChartTheme;
  readonly narrow: boolean;
  readonly plotTop: number;
  readonly yRange: { readonly min: number; readonly max: number; readonly interval: number };
  /** The category axis (names, axis name) as the chart words it. */
  readonly categoryAxis: Record<string, unknown>;
  /** Room for the longest category name when the bars lie down. */
  readonly categorySpacePx: number;
  /** Room under standing bars for their names and the axis name. */
  readonly bottomPx: number;
  readonly bars: readonly RideCountBar[];
  readonly barCategoryGap: string;
}): Pick<ChartOption, 'grid' | 'xAxis' | 'yAxis' | 'series'> {
  const style = axisStyle(o.theme);
  const countAxis = {
    type: 'value',
    ...o.yRange,
    minInterval: 1,
    name: 'rides',
    nameGap: 12,
    nameTextStyle: { ...style.nameTextStyle, align: 'right' },
    axisLabel: { ...style.axisLabel, formatter: (v: number) => formatInteger(v) },
    splitLine: style.splitLine,
  } as const;
  const series: BarSeriesOption = {
    type: 'bar',
    name: 'rides',
    barCategoryGap: o.barCategoryGap,
    tooltip: {
      valueFormatter: (v) => (typeof v === 'number' ? formatCount(v, 'ride', 'rides') : ''),
    },
    data: o.bars.map((b) => ({ value: b.rides, itemStyle: { color: b.colour } })),
    label: {
      show: true,
      position: o.narrow ? 'right' : 'top',
      color: o.theme.text,
      fontSize: 12,
      fontWeight: 600,
      // Lying down, the count axis is gone: the labels carry the unit.
      formatter: (p: { value?: unknown }) =>
        typeof p.value !== 'number'
          ? ''
          : o.narrow
            ? formatCount(p.value, 'ride', 'rides')
            : formatInteger(p.value),
    },
  };
  return o.narrow
    ? {
        grid: { left: o.categorySpacePx, right: 64, top: o.plotTop - 14, bottom: 12 },
        xAxis: { ...countAxis, show: false },
        yAxis: { ...o.categoryAxis, inverse: true },
        series: [series],
      }
    : {
        grid: {
          left: labelSpacePx(o.yRange, formatInteger),
          right: 16,
          top: o.plotTop,
          bottom: o.bottomPx,
        },
        xAxis: o.categoryAxis,
        yAxis: countAxis,
        series: [series],
      };
}
