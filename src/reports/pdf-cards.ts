// Page 1's headline figures as cards: the figure large with its unit, what it is, its change
// against the day before as a drawn triangle AND a signed percentage (never colour alone), and
// the day before and the 7-day average in small print.
import {
  formatBpm,
  formatDuration,
  formatInteger,
  formatKj,
  formatSignedPercent,
  formatWatts,
} from '../charts/index.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import type { DailyReport } from './daily-report.js';
import { FONT } from './pdf-fonts.js';
import { CONTENT_WIDTH, fitText, INK, MARGIN, placed, TNUM, type Flow } from './pdf-layout.js';

type Figure = keyof PeriodTotals;

/** One card: the figure it shows, how to format it, and what to call it. */
interface Card {
  readonly figure: Figure;
  readonly label: string;
  readonly format: (v: number) => string;
  /** The lead card spans two columns. */
  readonly wide?: boolean;
}

const CARDS: readonly Card[] = [
  { figure: 'rideCount', label: 'rides', format: formatInteger, wide: true },
  { figure: 'riders', label: 'distinct riders', format: formatInteger },
  { figure: 'totalDurationS', label: 'total ride time', format: formatDuration },
  { figure: 'totalEnergyKj', label: 'total energy', format: formatKj },
  { figure: 'avgPowerW', label: 'average power', format: formatWatts },
  { figure: 'avgHeartRate', label: 'average heart rate', format: formatBpm },
  { figure: 'alerts', label: 'heart-rate alerts raised', format: formatInteger },
  {
    figure: 'secondsAboveMax',
    label: 'time above maximum heart rate',
    format: formatDuration,
  },
];

const COLUMNS = 3;
const GAP = 10;
const CARD_H = 94;
const PAD = 10;
/** Below this change (in percent, either way) a figure counts as unchanged. */
const STEADY_PCT = 0.5;

/** The change of a figure against the day before, in percent; null with nothing to compare. */
export function changePct(report: DailyReport, figure: Figure): number | null {
  // The "what changed" paragraph's own figure, when it has one, so the two never disagree.
  const worded = report.changes.find((c) => c.figure === figure);
  if (worded) return worded.vsDayBeforePct;
  const today = report.totals[figure];
  const before = report.dayBefore[figure];
  if (today === null || before === null || before === 0) return null;
  return ((today - before) / before) * 100;
}

/** Draws the cards at the cursor and moves it below them. */
export function drawHeadlineCards(flow: Flow, report: DailyReport): void {
  const { doc } = flow;
  const colW = (CONTENT_WIDTH - (COLUMNS - 1) * GAP) / COLUMNS;
  const rows = Math.ceil(CARDS.reduce((a, c) => a + (c.wide ? 2 : 1), 0) / COLUMNS);
  flow.ensure(rows * CARD_H + (rows - 1) * GAP);
  let slot = 0;
  for (const card of CARDS) {
    const span = card.wide ? 2 : 1;
    if ((slot % COLUMNS) + span > COLUMNS) slot += COLUMNS - (slot % COLUMNS);
    const col = slot % COLUMNS;
    const row = Math.floor(slot / COLUMNS);
    const x = MARGIN.left + col * (colW + GAP);
    const y = flow.y + row * (CARD_H + GAP);
    const w = span * colW + (span - 1) * GAP;
    drawCard(doc, report, card, x, y, w);
    slot += span;
  }
  flow.advance(rows * CARD_H + (rows - 1) * GAP);
}

function drawCard(
  doc: PDFKit.PDFDocument,
  report: DailyReport,
  card: Card,
  x: number,
  y: number,
  w: number,
): void {
  doc.save().roundedRect(x, y, w, CARD_H, 4).fill(INK.panel).restore();
  const inner = w - 2 * PAD;
  const today = report.totals[card.figure];
  const value = today === null ? '\u2013' : card.format(today);
  doc
    .font(FONT.semibold)
    .fontSize(card.wide ? 24 : 18)
    .fillColor(INK.text);
  doc.text(value, x + PAD, y + PAD, placed(inner, { features: [...TNUM] }));
  doc.font(FONT.regular).fontSize(9).fillColor(INK.text);
  doc.text(
    fitText(doc, card.label, inner),
    x + PAD,
    y + PAD + (card.wide ? 30 : 24),
    placed(inner),
  );

  const changeY = y + PAD + (card.wide ? 46 : 40);
  drawChange(doc, changePct(report, card.figure), report, card, x + PAD, changeY, inner);

  const before = report.dayBefore[card.figure];
  const week = report.weekAverage[card.figure];
  const context = [
    `day before ${before === null ? 'none' : card.format(before)}`,
    report.weekDays === 0
      ? 'no rides in the week before'
      : `7-day average ${week === null ? 'none' : card.format(week)}`,
  ];
  doc.font(FONT.regular).fontSize(7.5).fillColor(INK.muted);
  const oneLine = context.join(' \u00b7 ');
  // Side by side when they fit (the wide card), else one above the other.
  const lines = doc.widthOfString(oneLine) <= inner ? [oneLine] : context;
  lines.forEach((line, i) =>
    doc.text(
      fitText(doc, line, inner),
      x + PAD,
      y + CARD_H - PAD - 8 - (lines.length - 1 - i) * 10,
      placed(inner),
    ),
  );
}

/** The change line: a triangle pointing up or down (a bar when steady) and the signed percent. */
function drawChange(
  doc: PDFKit.PDFDocument,
  pct: number | null,
  report: DailyReport,
  card: Card,
  x: number,
  y: number,
  width: number,
): void {
  const quiet = (words: string) => {
    doc.font(FONT.regular).fontSize(9).fillColor(INK.muted);
    doc.text(fitText(doc, words, width), x, y, placed(width));
  };
  // A day not yet over is not compared with whole days (as the what-changed paragraph says).
  if (report.partial) return quiet('not compared yet');
  if (pct === null) {
    const before = report.dayBefore[card.figure];
    return quiet(
      report.totals[card.figure] === null
        ? 'no readings this day'
        : before === 0
          ? 'none the day before to compare'
          : 'no readings the day before',
    );
  }
  doc.font(FONT.semibold).fontSize(9).fillColor(INK.text);
  const size = 7;
  const mid = y + 5.5;
  const steady = Math.abs(pct) < STEADY_PCT;
  doc.save().fillColor(INK.text);
  if (steady) doc.rect(x, mid - 1, size, 2).fill();
  else if (pct > 0)
    doc
      .polygon([x, mid + size / 2], [x + size, mid + size / 2], [x + size / 2, mid - size / 2])
      .fill();
  else
    doc
      .polygon([x, mid - size / 2], [x + size, mid - size / 2], [x + size / 2, mid + size / 2])
      .fill();
  doc.restore();
  const words = steady
    ? 'no change on the day before'
    : `${formatSignedPercent(pct)} on the day before`;
  const room = width - size - 5;
  doc.text(fitText(doc, words, room, true), x + size + 5, y, placed(room, { features: [...TNUM] }));
}
