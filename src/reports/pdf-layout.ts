// The report's page: A4 portrait, its margins, its inks (the charts' light theme), the running
// header and footer, and a cursor that flows blocks down the pages, starting a new page when a
// block would not fit.
import { CHART_THEMES, formatDayTime, formatZoneName } from '../charts/index.js';
import type { DailyReport } from './daily-report.js';
import { FONT } from './pdf-fonts.js';
import { asOfWords, dayWords, zoneWords } from './report-words.js';

/** A4 in points. */
export const PAGE = { width: 595.28, height: 841.89 } as const;
/** Space kept clear at the page's edges; the header and footer sit inside the top and bottom. */
export const MARGIN = { left: 54, right: 54, top: 78, bottom: 64 } as const;
/** The width blocks are laid out in. */
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
/** Where blocks may reach down to. */
export const CONTENT_BOTTOM = PAGE.height - MARGIN.bottom;

const LIGHT = CHART_THEMES.light;
/** The inks: the charts' light theme, so the text, the rules and the charts agree. */
export const INK = {
  text: LIGHT.text,
  muted: LIGHT.mutedText,
  rule: LIGHT.gridLine,
  strongRule: LIGHT.axisLine,
  /** Card backgrounds: a tint light enough that black print stays sharp on it. */
  panel: '#f5f7f9',
} as const;

/** Tabular figures, so numbers in a column line up. */
export const TNUM = ['tnum'] as const satisfies PDFKit.Mixins.OpenTypeFeatures[];

/** Where the next block goes; new pages as needed. */
export class Flow {
  y: number = MARGIN.top;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  /** Room left on this page, in points. */
  get room(): number {
    return CONTENT_BOTTOM - this.y;
  }

  /** Starts a new page and puts the cursor at its top. */
  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN.top;
  }

  /** Makes sure `height` fits below the cursor, starting a new page if not (never on a fresh one). */
  ensure(height: number): void {
    if (height > this.room && this.y > MARGIN.top) this.newPage();
  }

  /** Moves the cursor down. */
  advance(by: number): void {
    this.y += by;
  }
}

/**
 * Options for one line of text drawn at an exact place. The width only aligns it: pdfkit wraps
 * at a width even with `lineBreak: false`, so the text is given a point to spare (callers cut
 * it to fit with `fitText` first).
 */
export function placed(width: number, extra: PDFKit.Mixins.TextOptions = {}) {
  return { width: width + 1, lineBreak: false, ...extra } satisfies PDFKit.Mixins.TextOptions;
}

/**
 * Draws the running header and the footer on every buffered page: the title, the day and its
 * time zone (and "so far" for a partial day) above a thin rule; when it was made and
 * "Page n of N" below.
 */
export function drawPageFurniture(doc: PDFKit.PDFDocument, report: DailyReport): void {
  const { start, count } = doc.bufferedPageRange();
  const right = `${dayWords(report)}${report.partial ? `, ${asOfWords(report)}` : ''} \u00b7 times in ${zoneWords(report)}`;
  const made = `Made ${formatDayTime(report.generatedAtMs, report.timeZone)} ${formatZoneName(report.generatedAtMs, report.timeZone)}`;
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Text beyond the bottom margin would otherwise make pdfkit start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const top = 36;
    doc.font(FONT.semibold).fontSize(9).fillColor(INK.text);
    doc.text('Deloton daily report', MARGIN.left, top, placed(CONTENT_WIDTH / 2));
    doc
      .font(FONT.regular)
      .fontSize(9)
      .fillColor(report.partial ? INK.text : INK.muted);
    doc.text(right, MARGIN.left, top, placed(CONTENT_WIDTH, { align: 'right' }));
    rule(doc, MARGIN.left, top + 16, CONTENT_WIDTH, INK.strongRule, 0.5);

    const foot = PAGE.height - 40;
    rule(doc, MARGIN.left, foot - 8, CONTENT_WIDTH, INK.rule, 0.5);
    doc.font(FONT.regular).fontSize(8).fillColor(INK.muted);
    doc.text(made, MARGIN.left, foot, placed(CONTENT_WIDTH / 2));
    doc.text(
      `Page ${i - start + 1} of ${count}`,
      MARGIN.left,
      foot,
      placed(CONTENT_WIDTH, { align: 'right', features: [...TNUM] }),
    );
    doc.page.margins.bottom = bottom;
  }
}

/** A thin horizontal rule. */
export function rule(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  width: number,
  colour: string,
  lineWidth: number,
): void {
  doc
    .save()
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(lineWidth)
    .strokeColor(colour)
    .stroke()
    .restore();
}

/** The text, cut short with an ellipsis if it is wider than `width` in the current font (and figures). */
export function fitText(
  doc: PDFKit.PDFDocument,
  text: string,
  width: number,
  tabular = false,
): string {
  const opts = tabular ? { features: [...TNUM] } : {};
  if (doc.widthOfString(text, opts) <= width) return text;
  let cut = text;
  while (cut.length > 1 && doc.widthOfString(`${cut}\u2026`, opts) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}\u2026`;
}
