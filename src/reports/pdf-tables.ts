// A quiet table for the PDF: a title, a header row over a rule, rows parted by hairlines (no
// grid), numbers right-aligned in tabular figures. It breaks across pages, repeating its title
// ("continued") and its header; a cell too long for its column ends in an ellipsis.
import { FONT } from './pdf-fonts.js';
import {
  CONTENT_BOTTOM,
  CONTENT_WIDTH,
  fitText,
  INK,
  MARGIN,
  placed,
  rule,
  TNUM,
  type Flow,
} from './pdf-layout.js';

/** One column: its header, how it aligns, and its cell's text. */
export interface Column<Row> {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** Takes the width the others leave (names): cut short with an ellipsis when too narrow. */
  readonly flex?: boolean;
  readonly cell: (row: Row) => string;
  /** Cells in the quieter ink (e.g. what is unknown). */
  readonly muted?: (row: Row) => boolean;
}

/** A table: its title, a line under the title, its columns and rows, and a closing note. */
export interface Table<Row> {
  readonly title: string;
  readonly intro?: string;
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
  readonly note?: string;
}

const TITLE_PT = 12;
const INTRO_PT = 8.5;
const HEAD_PT = 8;
const CELL_PT = 9;
const ROW_H = 18;
const HEAD_H = 20;
const CELL_PAD = 6;
/** A table starts on a new page unless its title, header and this many rows fit. */
const MIN_ROWS = 3;

/** Draws a table at the cursor, breaking it across pages as needed. */
export function drawTable<Row>(flow: Flow, table: Table<Row>): void {
  const { doc } = flow;
  const widths = columnWidths(doc, table);
  const lefts = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const titleBlock = (continued: boolean) => {
    doc.font(FONT.semibold).fontSize(TITLE_PT).fillColor(INK.text);
    doc.text(
      continued ? `${table.title} (continued)` : table.title,
      MARGIN.left,
      flow.y,
      placed(CONTENT_WIDTH),
    );
    flow.advance(TITLE_PT + 6);
    if (table.intro && !continued) {
      doc.font(FONT.regular).fontSize(INTRO_PT).fillColor(INK.muted);
      doc.text(table.intro, MARGIN.left, flow.y, { width: CONTENT_WIDTH });
      flow.y = doc.y + 4;
    }
  };
  const header = () => {
    doc.font(FONT.semibold).fontSize(HEAD_PT).fillColor(INK.muted);
    table.columns.forEach((c, i) =>
      doc.text(
        fitText(doc, c.header, widths[i]! - 2 * CELL_PAD),
        lefts[i]! + CELL_PAD,
        flow.y + 6,
        placed(widths[i]! - 2 * CELL_PAD, { align: c.align }),
      ),
    );
    flow.advance(HEAD_H);
    rule(doc, MARGIN.left, flow.y, CONTENT_WIDTH, INK.strongRule, 0.75);
  };
  const introH = table.intro
    ? doc
        .font(FONT.regular)
        .fontSize(INTRO_PT)
        .heightOfString(table.intro, { width: CONTENT_WIDTH }) + 4
    : 0;

  // A table that fits on one page is kept whole; a longer one starts with a few rows at least.
  const whole = TITLE_PT + 6 + introH + HEAD_H + table.rows.length * ROW_H + 6;
  const fitsOnePage = whole <= CONTENT_BOTTOM - MARGIN.top;
  flow.ensure(
    fitsOnePage
      ? whole
      : TITLE_PT + 6 + introH + HEAD_H + Math.min(MIN_ROWS, table.rows.length) * ROW_H,
  );
  titleBlock(false);
  header();
  table.rows.forEach((row, r) => {
    if (flow.room < ROW_H) {
      flow.newPage();
      titleBlock(true);
      header();
    } else if (r > 0) rule(doc, MARGIN.left, flow.y, CONTENT_WIDTH, INK.rule, 0.5);
    table.columns.forEach((c, i) => {
      doc
        .font(FONT.regular)
        .fontSize(CELL_PT)
        .fillColor(c.muted?.(row) ? INK.muted : INK.text);
      const width = widths[i]! - 2 * CELL_PAD;
      doc.text(
        fitText(doc, c.cell(row), width, c.align === 'right'),
        lefts[i]! + CELL_PAD,
        flow.y + 5.5,
        placed(width, { align: c.align, ...(c.align === 'right' ? { features: [...TNUM] } : {}) }),
      );
    });
    flow.advance(ROW_H);
  });
  rule(doc, MARGIN.left, flow.y, CONTENT_WIDTH, INK.strongRule, 0.5);
  flow.advance(6);
  if (table.note) {
    flow.ensure(14);
    doc.font(FONT.regular).fontSize(INTRO_PT).fillColor(INK.muted);
    doc.text(table.note, MARGIN.left, flow.y, { width: CONTENT_WIDTH });
    flow.y = doc.y;
  }
  flow.advance(18);
}

/**
 * Each column as wide as its widest cell or header; the flexible columns share what is left
 * (and give way first when there is not enough).
 */
function columnWidths<Row>(doc: PDFKit.PDFDocument, table: Table<Row>): number[] {
  const natural = table.columns.map((c) => {
    const opts = c.align === 'right' ? { features: [...TNUM] } : {};
    doc.font(FONT.semibold).fontSize(HEAD_PT);
    let widest = doc.widthOfString(c.header);
    doc.font(FONT.regular).fontSize(CELL_PT);
    for (const row of table.rows) widest = Math.max(widest, doc.widthOfString(c.cell(row), opts));
    return Math.ceil(widest) + 2 * CELL_PAD;
  });
  const flexible = table.columns.filter((c) => c.flex).length;
  const fixed = natural.reduce((a, w, i) => a + (table.columns[i]!.flex ? 0 : w), 0);
  if (flexible === 0) {
    // Spare room goes to every column alike, so the table still spans the page.
    const spare = (CONTENT_WIDTH - fixed) / natural.length;
    return natural.map((w) => w + spare);
  }
  const share = (CONTENT_WIDTH - fixed) / flexible;
  return natural.map((w, i) => (table.columns[i]!.flex ? Math.max(share, 2 * CELL_PAD) : w));
}
