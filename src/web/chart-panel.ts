// ECharts in the page, imported per module (only what the charts use), redrawn on theme change
// and resize. The options come from src/charts, which the PDF report shares.

import { init, use, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { CHART_MODULES } from '../charts/modules.js';
import { h } from './dom.js';

use([...CHART_MODULES, CanvasRenderer]);

/** Light or dark, as the system says. */
export type ThemeName = 'light' | 'dark';

const dark = matchMedia('(prefers-color-scheme: dark)');
/** The theme the page shows now. */
export const currentTheme = (): ThemeName => (dark.matches ? 'dark' : 'light');

/** Builds a chart's option for a theme and a width in CSS pixels. */
export type Build = (theme: ThemeName, widthPx: number) => EChartsCoreOption;

/** A chart on the page. */
export interface ChartHandle {
  readonly el: HTMLElement;
  /** Draws it anew from data (the builder is called with the current theme and width). */
  draw(build: Build): void;
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
  let last: Build | null = null;
  let width = 0;
  const render = (): void => {
    if (!last || width === 0) return;
    chart ??= init(canvasBox, undefined, { renderer: 'canvas' });
    // Titles wrap and labels shorten to the width: the option is built again for it.
    // The panel is the chart's background here; the PDF keeps the theme's own.
    chart.setOption(
      { ...last(currentTheme(), width), backgroundColor: 'transparent' },
      { notMerge: true, lazyUpdate: true },
    );
  };
  const resize = new ResizeObserver(() => {
    const w = Math.round(canvasBox.clientWidth);
    if (w === width) return;
    width = w;
    chart?.resize();
    render();
  });
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
