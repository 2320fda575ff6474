// The daily report as a PDF: page 1 answers "how did the day go?" on its own (the headline
// figures and what changed), then the charts (vectors) and the tables. A day without rides gets
// one short page. The same model gives the same bytes: the dates come from the model.
import PDFDocument from 'pdfkit';
import { formatClock, formatCount } from '../charts/index.js';
import type { DailyReport } from './daily-report.js';
import { drawHeadlineCards } from './pdf-cards.js';
import { drawChart, reportCharts } from './pdf-charts.js';
import { FONT, registerFonts } from './pdf-fonts.js';
import { CONTENT_WIDTH, drawPageFurniture, Flow, INK, MARGIN, PAGE } from './pdf-layout.js';
import { drawTable } from './pdf-tables.js';
import { alertsTable, topRidersTable } from './report-tables.js';
import { dayWords, zoneWords } from './report-words.js';

/** Renders a day's report to PDF bytes. */
export async function renderReportPdf(report: DailyReport): Promise<Uint8Array> {
  const day = dayWords(report);
  const made = new Date(report.generatedAtMs);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: MARGIN,
    bufferPages: true,
    displayTitle: true,
    lang: 'en-GB',
    info: {
      Title: `Deloton daily report: ${day}`,
      Author: 'Deloton',
      Subject: `Rides, riders, energy, heart rate and alerts of ${day} (${report.timeZone})`,
      Keywords: `Deloton, daily report, ${report.date}, rides, energy, heart rate, alerts`,
      CreationDate: made,
      ModDate: made,
    },
  });
  const bytes = collect(doc);
  registerFonts(doc);
  const flow = new Flow(doc);

  drawOpening(flow, report);
  drawHeadlineCards(flow, report);
  flow.advance(22);
  if (report.totals.rideCount === 0) {
    // The figures say the rest; the what-changed paragraph would only repeat this.
    const before = report.dayBefore.rideCount;
    paragraph(
      flow,
      `No rides were recorded on ${day}${report.partial ? ' so far' : ''}.` +
        (before > 0 ? ` The day before had ${formatCount(before, 'ride', 'rides')}.` : ''),
      12,
    );
  } else {
    drawWhatChanged(flow, report);
    for (const chart of reportCharts(report)) drawChart(flow, chart);
    if (report.topRiders.length > 0) drawTable(flow, topRidersTable(report));
    if (report.alerts.length > 0) drawTable(flow, alertsTable(report));
  }

  drawPageFurniture(doc, report);
  doc.end();
  return bytes;
}

/** The title of page 1: the day, and what it is compared with. */
function drawOpening(flow: Flow, report: DailyReport): void {
  const { doc } = flow;
  doc.font(FONT.semibold).fontSize(22).fillColor(INK.text);
  doc.text(
    report.partial ? `How is ${dayWords(report)} going?` : `How did ${dayWords(report)} go?`,
    MARGIN.left,
    flow.y,
    { width: CONTENT_WIDTH },
  );
  flow.y = doc.y + 4;
  const compared = report.partial
    ? `The day is not over: these figures are as of ${formatClock(report.generatedAtMs, report.timeZone)}, and are not compared with whole days yet.`
    : `Each figure is compared with the day before and with the average of ${weekWords(report.weekDays)}.`;
  paragraph(
    flow,
    `${compared} Times are in ${zoneWords(report)} (${report.timeZone}).`,
    9.5,
    INK.muted,
  );
  flow.advance(8);
}

/** Which days the weekly average is over, in words. */
function weekWords(days: number): string {
  if (days >= 7) return 'the 7 days before it';
  if (days === 0) return 'the 7 days before it, which had no rides';
  if (days === 1) return 'the only day with rides in the 7 before it';
  return `the ${formatCount(days, 'day', 'days')} with rides in the 7 before it`;
}

/** The "what changed" paragraph, when the model has one. */
function drawWhatChanged(flow: Flow, report: DailyReport): void {
  if (report.whatChanged.length === 0) return;
  const { doc } = flow;
  const text = report.whatChanged.join(' ');
  const height = doc
    .font(FONT.regular)
    .fontSize(11)
    .heightOfString(text, { width: CONTENT_WIDTH, lineGap: 3 });
  flow.ensure(height + 24);
  doc.font(FONT.semibold).fontSize(13).fillColor(INK.text);
  doc.text('What changed', MARGIN.left, flow.y, { width: CONTENT_WIDTH });
  flow.y = doc.y + 4;
  paragraph(flow, text, 11);
  flow.advance(16);
}

/** A paragraph at the cursor, wrapped to the content width. */
function paragraph(flow: Flow, text: string, size: number, colour: string = INK.text): void {
  const { doc } = flow;
  doc.font(FONT.regular).fontSize(size).fillColor(colour);
  doc.text(text, MARGIN.left, flow.y, { width: CONTENT_WIDTH, lineGap: 3 });
  flow.y = doc.y;
}

/** The document's bytes, once it has ended. */
function collect(doc: PDFKit.PDFDocument): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
}
