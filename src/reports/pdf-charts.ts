// The report's charts: the dashboard's own builders in the light theme, rendered to SVG by
// ECharts and drawn into the PDF as vectors (svg-to-pdfkit), every font mapped to the
// embedded one. Charts are never split across pages.
import SVGtoPDF from 'svg-to-pdfkit';
import {
  ageBandsChart,
  genderSplitChart,
  heartRateZonesChart,
  powerOverTimeChart,
  ridesPerHourChart,
  themeOf,
  type ChartOption,
  type PeriodChartOptions,
} from '../charts/index.js';
import { renderChartSvg } from '../charts/render-svg.js';
import type { DailyReport } from './daily-report.js';
import { svgFont } from './pdf-fonts.js';
import { CONTENT_WIDTH, MARGIN, type Flow } from './pdf-layout.js';
import { rangeWords } from './report-words.js';

/** The width charts are laid out for, in CSS pixels: 12 px labels print at about 9.7 pt. */
const WIDTH_PX = 600;
const SCALE = CONTENT_WIDTH / WIDTH_PX;
/** Where a chart's title starts (frame.ts's 12 px and ECharts' 5 px padding), pulled into the margin so it lines up with the page's text. */
const TITLE_INSET_PX = 17;
const HOUR_MS = 3_600_000;
/** Space between a chart and the next block, in points. */
const AFTER = 14;

/** One chart of the report and the height it is drawn at, in CSS pixels. */
export interface ReportChart {
  readonly name: string;
  readonly heightPx: number;
  readonly option: ChartOption;
}

/** The day's charts in reading order: who rode, when, how hard. */
export function reportCharts(report: DailyReport): ReportChart[] {
  const opts: PeriodChartOptions = {
    theme: themeOf('light'),
    timeZone: report.timeZone,
    rangeWords: rangeWords(report),
    widthPx: WIDTH_PX,
  };
  const power = {
    bucketMs: HOUR_MS,
    buckets: report.hours.map((h) => ({
      atMs: h.atMs,
      avgPowerW: h.avgPowerW,
      energyKj: h.energyKj,
    })),
    fromMs: report.fromMs,
    toMs: report.untilMs,
  };
  return [
    { name: 'gender-split', heightPx: 234, option: genderSplitChart(report.byGender, opts) },
    { name: 'rides-per-hour', heightPx: 270, option: ridesPerHourChart(report.hours, opts) },
    {
      name: 'energy-per-hour',
      heightPx: 270,
      option: powerOverTimeChart(power, { ...opts, measure: 'energy' }),
    },
    {
      name: 'power-per-hour',
      heightPx: 270,
      option: powerOverTimeChart(power, { ...opts, measure: 'power' }),
    },
    { name: 'age-bands', heightPx: 270, option: ageBandsChart(report.byAgeBand, opts) },
    { name: 'heart-rate-zones', heightPx: 296, option: heartRateZonesChart(report.byZone, opts) },
  ];
}

/** Draws a chart at the cursor as vectors, on a new page if it does not fit on this one. */
export function drawChart(flow: Flow, chart: ReportChart): void {
  const height = chart.heightPx * SCALE;
  flow.ensure(height);
  const svg = renderChartSvg(chart.option, WIDTH_PX, chart.heightPx);
  SVGtoPDF(flow.doc, svg, MARGIN.left - TITLE_INSET_PX * SCALE, flow.y, {
    width: CONTENT_WIDTH,
    height,
    fontCallback: svgFont,
    warningCallback: (message) => {
      throw new ChartDrawingError(chart.name, message);
    },
  });
  flow.advance(height + AFTER);
}

/** svg-to-pdfkit could not draw part of a chart: the chart would print wrong, so say which. */
export class ChartDrawingError extends Error {
  readonly code = 'chart_drawing_failed';
  constructor(
    readonly chart: string,
    detail: string,
  ) {
    super(`chart '${chart}' could not be drawn into the PDF: ${detail}`);
    this.name = 'ChartDrawingError';
  }
}
