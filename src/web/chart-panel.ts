// ECharts in the page, imported per module (only what the charts use), redrawn on theme change
// and resize. The options come from src/charts, which the PDF report shares.

import { BarChart, LineChart } from 'echarts/charts';
import {
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom.js';

use([
  BarChart,
  LineChart,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** Light or dark, as the system says. */
export type ThemeName = 'light' | 'dark';

const dark = matchMedia('(prefers-color-scheme: dark)');
/** The theme the page shows now. */
export const currentTheme = (): ThemeName => (dark.matches ? 'dark' : 'light');

/** A chart on the page. */
export interface ChartHandle {
  readonly el: HTMLElement;
  /** Draws it anew from data (the builder is called with the current theme). */
  draw(build: (theme: ThemeName) => EChartsCoreOption): void;
  destroy(): void;
}

/**
 * A chart element with an accessible name (the chart's question); `summary` is a text
 * alternative for screen readers, kept beside the canvas.
 */
export function chartPanel(label: string, tall = false): ChartHandle & { summary: HTMLElement } {
  const canvasBox = h('div', {
    class: tall ? 'chart chart-tall' : 'chart',
    role: 'img',
    'aria-label': label,
  });
  const summary = h('p', { class: 'visually-hidden' });
  const el = h('div', null, canvasBox, summary);
  let chart: ReturnType<typeof init> | null = null;
  let last: ((theme: ThemeName) => EChartsCoreOption) | null = null;
  const render = (): void => {
    if (!last) return;
    chart ??= init(canvasBox, undefined, { renderer: 'canvas' });
    chart.setOption(last(currentTheme()), { notMerge: true, lazyUpdate: true });
  };
  const resize = new ResizeObserver(() => chart?.resize());
  resize.observe(canvasBox);
  const onTheme = (): void => render();
  dark.addEventListener('change', onTheme);
  return {
    el,
    summary,
    draw: (build) => {
      last = build;
      render();
    },
    destroy: () => {
      resize.disconnect();
      dark.removeEventListener('change', onTheme);
      chart?.dispose();
      chart = null;
    },
  };
}
