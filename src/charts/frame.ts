// What every chart shares: the title that asks its question (wrapped to the chart's width), the
// theme's text and lines, the tooltip, and the designed empty state.
import type { ChartOption, ChartOptions } from './option.js';
import type { ChartTheme } from './palette.js';

/** The width a chart is laid out for when the caller does not say. */
export const DEFAULT_WIDTH_PX = 720;
/** Below this width a chart is on a phone: shorter labels, narrower margins. */
export const NARROW_WIDTH_PX = 480;

// Average advance of a character, as a share of the font size, for the wider system sans fonts
// (DejaVu Sans, Verdana-like; bold wider still). Estimates on the generous side: ECharts
// measures the text itself when it draws, and a label given too much room only wastes a little.
const CHAR_EM = 0.6;
const BOLD_CHAR_EM = 0.66;
const TITLE_PX = 16;
const SUBTITLE_PX = 12;
const TITLE_LEFT_PX = 12;
const TITLE_TOP_PX = 10;

/** Whether a chart of these options is phone-narrow. */
export function isNarrow(opts: ChartOptions): boolean {
  return (opts.widthPx ?? DEFAULT_WIDTH_PX) < NARROW_WIDTH_PX;
}

/** About how wide a text is drawn, in pixels. */
export function textWidthPx(text: string, fontPx = 12, bold = false): number {
  return text.length * fontPx * (bold ? BOLD_CHAR_EM : CHAR_EM);
}

/** Pieces joined by `sep`, broken into lines of at most `maxPx` where the pieces meet. */
function wrap(
  pieces: readonly string[],
  sep: string,
  maxPx: number,
  fontPx: number,
  bold: boolean,
) {
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidthPx(last + sep + piece, fontPx, bold) <= maxPx)
      lines[lines.length - 1] = last + sep + piece;
    else lines.push(piece);
  }
  return lines;
}

/** A chart's frame and where its plot may begin. */
export interface Frame {
  readonly option: ChartOption;
  /** Pixels above the plot: the title's and subtitle's lines and room for a y axis name. */
  readonly plotTop: number;
}

/**
 * The parts every chart has: the title (the question, `opts.title` if given), a subtitle of
 * figures (pieces joined by ` · `, wrapped between pieces), theme, tooltip, and a description
 * for screen readers.
 */
export function frame(
  opts: ChartOptions,
  title: string,
  subtitle: readonly string[],
  description: string,
  { axisNameAbove = true }: { axisNameAbove?: boolean } = {},
): Frame {
  const { theme } = opts;
  const maxPx = (opts.widthPx ?? DEFAULT_WIDTH_PX) - 2 * TITLE_LEFT_PX;
  const titleLines = wrap((opts.title ?? title).split(' '), ' ', maxPx, TITLE_PX, true);
  const subLines = wrap(subtitle, ' · ', maxPx, SUBTITLE_PX, false);
  const plotTop =
    TITLE_TOP_PX +
    titleLines.length * 21 +
    (subLines.length > 0 ? 6 + subLines.length * 16 : 0) +
    (axisNameAbove ? 30 : 16);
  const option: ChartOption = {
    animation: opts.animate ?? false,
    backgroundColor: theme.background,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    // Screen readers get the chart in words (the browser sets it on the container).
    aria: { enabled: true, label: { description } },
    title: {
      text: titleLines.join('\n'),
      subtext: subLines.join('\n'),
      left: TITLE_LEFT_PX,
      top: TITLE_TOP_PX,
      itemGap: 6,
      textStyle: {
        color: theme.text,
        fontSize: TITLE_PX,
        lineHeight: 21,
        fontWeight: 600,
        fontFamily: theme.fontFamily,
      },
      subtextStyle: {
        color: theme.mutedText,
        fontSize: SUBTITLE_PX,
        lineHeight: 16,
        fontFamily: theme.fontFamily,
      },
    },
    tooltip: {
      confine: true,
      backgroundColor: theme.background,
      borderColor: theme.axisLine,
      textStyle: { color: theme.text, fontFamily: theme.fontFamily, fontSize: 12 },
    },
  };
  return { option, plotTop };
}

/** A chart with nothing to draw: the question stays, and a sentence says why it is empty. */
export function emptyChart(opts: ChartOptions, title: string, message: string): ChartOption {
  const text = opts.emptyText ?? message;
  return {
    ...frame(opts, title, [], text).option,
    graphic: {
      type: 'text',
      left: 'center',
      top: 'middle',
      style: {
        text,
        fill: opts.theme.mutedText,
        fontSize: 14,
        fontFamily: opts.theme.fontFamily,
      },
    },
  };
}

/** Axis lines, labels and names in the theme's quiet colours. */
export function axisStyle(theme: ChartTheme) {
  return {
    axisLine: { lineStyle: { color: theme.axisLine } },
    axisTick: { lineStyle: { color: theme.axisLine } },
    axisLabel: { color: theme.mutedText, fontSize: 12, fontFamily: theme.fontFamily },
    splitLine: { lineStyle: { color: theme.gridLine } },
    nameTextStyle: { color: theme.mutedText, fontSize: 12, fontFamily: theme.fontFamily },
  } as const;
}

/**
 * An axis range from lo to hi widened to whole steps of 1, 2, 2.5 or 5 times a power of ten,
 * about `ticks` of them: labels then fall on round numbers at both ends.
 */
export function niceRange(
  lo: number,
  hi: number,
  ticks = 5,
): { min: number; max: number; interval: number } {
  const raw = Math.max(hi - lo, 1) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const interval = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return {
    min: Math.floor(lo / interval) * interval,
    max: Math.ceil(hi / interval) * interval,
    interval,
  };
}

/** Room left of the plot for the y axis labels of a range, formatted by `format`. */
export function labelSpacePx(
  range: { min: number; max: number },
  format: (v: number) => string,
): number {
  const widest = Math.max(textWidthPx(format(range.min)), textWidthPx(format(range.max)));
  return Math.max(36, Math.ceil(widest) + 20);
}
