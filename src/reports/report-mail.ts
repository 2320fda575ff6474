// The morning mail: the headline figures and the what-changed paragraph as HTML and text, the
// PDF attached. Written from the summary stored with the PDF, so a resend after a restart says
// exactly what the first attempt would have.
import { formatCalendarDate, formatInteger, formatPercent } from '../charts/format.js';
import { escapeHtml } from '../mail/html.js';
import type { MailMessage } from '../mail/mailer.js';
import type { PeriodTotals } from '../store/day-totals.repository.js';
import type { DailyReport } from './daily-report.js';
import { COMPARED_FIGURES, FIGURE_WORDS, percentChange } from './what-changed.js';

/** What the mail says besides the PDF: kept in `reports.summary` beside it. */
export interface ReportSummary {
  readonly date: string;
  readonly timeZone: string;
  readonly totals: PeriodTotals;
  readonly dayBefore: PeriodTotals;
  readonly whatChanged: readonly string[];
}

/** The summary of a built report. */
export function summaryOf(r: DailyReport): ReportSummary {
  return {
    date: r.date,
    timeZone: r.timeZone,
    totals: r.totals,
    dayBefore: r.dayBefore,
    whatChanged: r.whatChanged,
  };
}

/** The file name a day's PDF goes by, in mails and downloads. */
export const reportFileName = (date: string): string => `deloton-report-${date}.pdf`;

const LABELS: Record<(typeof COMPARED_FIGURES)[number], string> = {
  rideCount: 'Rides',
  riders: 'Riders',
  totalDurationS: 'Ride time',
  totalEnergyKj: 'Energy',
  avgPowerW: 'Average power',
  avgHeartRate: 'Average heart rate',
  alerts: 'Heart-rate alerts',
  secondsAboveMax: 'Time above maximum heart rate',
};

/** A change in words and sign, never by colour alone: `▲ 12% on the day before`. */
function changeWords(today: number | null, before: number | null): string {
  const p = percentChange(today, before);
  if (p === null) return before === 0 && (today ?? 0) > 0 ? 'none the day before' : '–';
  const rounded = Math.round(p);
  if (rounded === 0) return 'unchanged';
  return `${rounded > 0 ? '▲ up' : '▼ down'} ${formatPercent(Math.abs(rounded))}`;
}

/** The mail of one day's report to one recipient, the PDF attached. */
export function reportMail(o: {
  summary: ReportSummary;
  pdf: Uint8Array;
  to: string;
  /** Domain of the Message-ID. */
  domain: string;
}): MailMessage {
  const s = o.summary;
  const day = formatCalendarDate(s.date);
  const rows = COMPARED_FIGURES.map((f) => {
    const today = s.totals[f];
    const before = s.dayBefore[f];
    return {
      label: LABELS[f],
      value: today === null ? '–' : FIGURE_WORDS[f].format(today),
      change: changeWords(today, before),
    };
  });
  const rideChange = changeWords(s.totals.rideCount, s.dayBefore.rideCount);
  const subject =
    s.totals.rideCount === 0
      ? `Deloton daily report, ${day}: no rides`
      : `Deloton daily report, ${day}: ${formatInteger(s.totals.rideCount)} rides (${rideChange})`;
  const fileName = reportFileName(s.date);
  const text = [
    `Deloton daily report: ${day} (${s.timeZone})`,
    '',
    ...rows.map((r) => `${r.label}: ${r.value} (${r.change})`),
    '',
    'What changed',
    '',
    ...s.whatChanged,
    '',
    `The full report, with charts and tables, is attached: ${fileName}.`,
    '',
    'Deloton',
  ].join('\n');
  const cell = 'padding:6px 12px;border-bottom:1px solid #d8dee4';
  // A figure and its unit stay on one line, even in a phone's narrow column.
  const figure = `${cell};text-align:right;white-space:nowrap`;
  const html = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#ffffff;color:#1f2328;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:15px;line-height:1.5">
<div style="max-width:600px;margin:0 auto">
<p style="margin:0;color:#59636e;font-size:13px">Deloton daily report</p>
<h1 style="margin:4px 0 16px;font-size:22px">${escapeHtml(day)}</h1>
<table role="presentation" style="border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums">
<thead><tr><th style="${cell};text-align:left">Figure</th><th style="${cell};text-align:right">The day</th><th style="${cell};text-align:right">Against the day before</th></tr></thead>
<tbody>
${rows
  .map(
    (r) =>
      `<tr><td style="${cell}">${escapeHtml(r.label)}</td><td style="${figure};font-weight:600">${escapeHtml(r.value)}</td><td style="${figure}">${escapeHtml(r.change)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>
<h2 style="margin:24px 0 8px;font-size:17px">What changed</h2>
${s.whatChanged.map((x) => `<p style="margin:0 0 8px">${escapeHtml(x)}</p>`).join('\n')}
<p style="margin:24px 0 0;color:#59636e;font-size:13px">The full report, with charts and tables, is attached (${escapeHtml(fileName)}). Times are in ${escapeHtml(s.timeZone)}.</p>
</div>
</body></html>`;
  return {
    messageId: `<report-${s.date}-${addressTag(o.to)}@${o.domain}>`,
    to: o.to,
    cc: null,
    subject,
    text,
    html,
    attachments: [{ filename: fileName, contentType: 'application/pdf', content: o.pdf }],
  };
}

/** A short stable tag of an address for the Message-ID: one per day and recipient. */
function addressTag(address: string): string {
  let h = 0x811c9dc5;
  for (const c of address.toLowerCase()) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(36);
}
