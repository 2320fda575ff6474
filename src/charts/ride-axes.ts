// What the two charts of one ride share: minutes into the ride along x, and the tooltip that
// reads a point back as time into the ride and a figure.
import type { XAXisComponentOption, YAXisComponentOption } from 'echarts';
import type { TopLevelFormatterParams } from 'echarts/types/dist/shared';
import { axisStyle } from './frame.js';
import { formatElapsed, formatInteger } from './format.js';
import type { ChartTheme } from './palette.js';

/** A ride's x axis: whole minutes from 0 to the last reading, named `min`. */
export function elapsedAxis(theme: ChartTheme, lastElapsedS: number): XAXisComponentOption {
  const style = axisStyle(theme);
  return {
    type: 'value',
    min: 0,
    max: Math.max(1, Math.ceil(lastElapsedS / 60)),
    minInterval: 1,
    name: 'min',
    nameLocation: 'end',
    nameGap: 6,
    nameTextStyle: { ...style.nameTextStyle, verticalAlign: 'top', padding: [8, 0, 0, 0] },
    axisLine: style.axisLine,
    axisTick: style.axisTick,
    axisLabel: { ...style.axisLabel, formatter: (v: number) => formatInteger(v) },
    splitLine: { show: false },
  };
}

/** A ride's y axis, named by its unit. */
export function figureAxis(
  theme: ChartTheme,
  unit: string,
  range: { min: number; max: number; interval: number },
): YAXisComponentOption {
  const style = axisStyle(theme);
  return {
    type: 'value',
    ...range,
    name: unit,
    nameLocation: 'end',
    nameGap: 12,
    nameTextStyle: { ...style.nameTextStyle, align: 'right' },
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: { ...style.axisLabel, formatter: (v: number) => formatInteger(v) },
    splitLine: style.splitLine,
  };
}

/** The point under the pointer in words: `12:04 into the ride` and the figure, or `gap` words. */
export function elapsedTooltip(
  describe: (figure: number | null) => string,
): (params: TopLevelFormatterParams) => string {
  return (params) => {
    const first = Array.isArray(params) ? params[0] : params;
    const value = first?.value;
    if (!Array.isArray(value)) return '';
    const [minutes, figure] = value;
    if (typeof minutes !== 'number') return '';
    const words = describe(typeof figure === 'number' ? figure : null);
    return `${formatElapsed(minutes * 60)} into the ride<br/>${words}`;
  };
}

/** Rides' readings in elapsed order (callers usually pass them so; a copy is cheap). */
export function inElapsedOrder<T extends { readonly elapsedS: number }>(
  readings: readonly T[],
): readonly T[] {
  for (let i = 1; i < readings.length; i++)
    if (readings[i]!.elapsedS < readings[i - 1]!.elapsedS)
      return [...readings].sort((a, b) => a.elapsedS - b.elapsedS);
  return readings;
}
