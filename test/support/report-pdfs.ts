// A stand-in for the report builder (the reports lane's, wired in app/): a real, small PDF made
// by pdfkit that names the day and the audience and, for an admin only, the day's riders read
// from the database, so that tests can tell an admin's PDF from a viewer's by its text.
import { execFileSync } from 'node:child_process';
import PDFDocument from 'pdfkit';
import type { ReportAudience, ReportPdfs } from '../../src/api/api-deps.js';
import { calendarDay } from '../../src/domain/calendar-day.js';
import type { Db } from '../../src/store/db.js';
import { ridesStartedBetween } from '../../src/store/rides.repository.js';

/** A PDF of lines of text. */
export function textPdf(title: string, lines: readonly string[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { Title: title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(title);
  doc.fontSize(11);
  for (const line of lines) doc.text(line);
  doc.end();
  return done;
}

/** Report PDFs built from the database, counting the builds it makes. */
export function testReportPdfs(
  db: Db,
  timeZone: string,
): ReportPdfs & { builds: { date: string; audience: ReportAudience }[] } {
  const builds: { date: string; audience: ReportAudience }[] = [];
  return {
    builds,
    build: async (date, audience) => {
      builds.push({ date, audience });
      const day = calendarDay(date, timeZone);
      const rides = await ridesStartedBetween(db, day.fromMs, day.untilMs);
      const riders = new Map<number, string>();
      for (const r of rides)
        if (r.has_rider)
          riders.set(r.rider_id, [r.title, r.first_name, r.last_name].filter(Boolean).join(' '));
      const lines = [
        `Day ${date}`,
        `Audience ${audience}`,
        `Rides ${rides.length}`,
        ...[...riders].map(([id, name]) =>
          audience === 'admin' ? `${name} (${id})` : `Rider ${id}`,
        ),
      ];
      return textPdf(`Deloton daily report ${date}`, lines);
    },
  };
}

/** The text of a PDF, by poppler's pdftotext. */
export function pdfText(pdf: Uint8Array): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

/** Stores a day's report row as the schedule would leave it (test setup). */
export async function storeReport(
  db: Db,
  r: {
    day: string;
    state: 'pending' | 'sent' | 'failed' | 'stored';
    pdf: Uint8Array | null;
    recipients?: string[];
    lastError?: string | null;
    generatedAt?: Date;
    sentAt?: Date | null;
    attempts?: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO reports (day, time_zone, generated_at, pdf, state, recipients, attempts,
                          last_error, sent_at)
     VALUES ($1, 'Europe/London', $2, $3, $4, $5, $6, $7, $8)`,
    [
      r.day,
      r.pdf ? (r.generatedAt ?? new Date()) : null,
      r.pdf,
      r.state,
      r.recipients ?? [],
      r.attempts ?? (r.state === 'pending' ? 0 : 1),
      r.lastError ?? null,
      r.sentAt ?? (r.state === 'sent' ? new Date() : null),
    ],
  );
}
