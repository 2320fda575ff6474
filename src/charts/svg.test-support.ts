// Renders an option with real ECharts SSR, as the report will, and reads back the words drawn.
import { expect, vi } from 'vitest';
import type { ChartOption } from './option.js';
import { renderChartSvg } from './render-svg.js';

/** What a rendered chart shows: the SVG and the text of each `<text>` element, in order. */
export interface Rendered {
  readonly svg: string;
  readonly texts: readonly string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/**
 * The chart rendered to SVG through `CHART_MODULES` alone; fails the test if ECharts warned
 * (a component used but not registered, an option it could not read).
 */
export function render(option: ChartOption, width = 720, height = 320): Rendered {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const svg = renderChartSvg(option, width, height);
    expect([...warn.mock.calls, ...error.mock.calls]).toEqual([]);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1]!.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]!),
    );
    return { svg, texts };
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
}

/** No raw ISO timestamp anywhere in what people see. */
export function expectNoIsoTime(r: Rendered): void {
  expect(r.texts.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}(T|\s\d)/);
}
