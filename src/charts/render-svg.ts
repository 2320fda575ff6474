// Server-side rendering of a chart to SVG text (the PDF report, tests, scripts/render-charts.ts).
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { CHART_MODULES } from './modules.js';
import type { ChartOption } from './option.js';

use([...CHART_MODULES, SVGRenderer]);

/** The chart as an SVG document of this size in CSS pixels. */
export function renderChartSvg(option: ChartOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option, { notMerge: true });
    // ECharts has no option for tabular figures; the SVG's text inherits them from its root.
    return chart
      .renderToSVGString()
      .replace(/^<svg /, '<svg style="font-variant-numeric: tabular-nums" ');
  } finally {
    // An undisposed SSR chart keeps timers alive and the process from exiting.
    chart.dispose();
  }
}
