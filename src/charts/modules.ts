// The ECharts parts the chart definitions use, for `echarts/core`'s `use()`: the dashboard adds
// the canvas renderer, the report the SVG renderer, and neither bundles the rest of ECharts.
import { BarChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
} from 'echarts/components';

/** Every module a `ChartOption` needs; pass with a renderer to `use()`. */
export const CHART_MODULES = [
  BarChart,
  LineChart,
  AriaComponent,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
] as const;
