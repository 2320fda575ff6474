// The option type every builder returns, and the options every builder takes.
import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { ChartTheme } from './palette.js';

/**
 * An ECharts option. It uses only the parts `CHART_MODULES` registers (the SSR tests fail on
 * any other). Apply it with `setOption(option, { notMerge: true })`: an empty state must
 * replace the series, not merge with them.
 */
export type ChartOption = EChartsOption;

/** One area of a series' `markArea`: a band between two values of an axis. */
export type MarkAreaItem = NonNullable<NonNullable<LineSeriesOption['markArea']>['data']>[number];

/** What every builder takes besides its data. */
export interface ChartOptions {
  readonly theme: ChartTheme;
  /** IANA zone every clock time is shown in (DISPLAY_TIMEZONE). */
  readonly timeZone: string;
  /** Animate changes: off by default (the PDF, and calm dashboards). */
  readonly animate?: boolean;
  /** The question the chart answers, when the caller words it better than the default. */
  readonly title?: string;
  /** What to say when there is nothing to draw, when the caller knows more (the last ride). */
  readonly emptyText?: string;
  /**
   * The chart's width in CSS pixels (default 720): titles wrap and labels shorten to fit it.
   * A resized dashboard tile builds its option again.
   */
  readonly widthPx?: number;
}

/** Options of a chart over a period. */
export interface PeriodChartOptions extends ChartOptions {
  /** The period in words, completing the question: `in the last 12 hours`, `yesterday`. */
  readonly rangeWords: string;
}
