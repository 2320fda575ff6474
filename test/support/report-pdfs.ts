// Report PDFs for the API's tests: the real builder, counting its builds, and small text PDFs
// standing in for reports stored earlier.
import { execFileSync } from 'node:child_process';
import PDFDocument from 'pdfkit';
import type { ReportAudience, ReportPdfs } from '../../src/api/api-deps.js';
import { reportPdfs } from '../../src/app/report-service.js';
import type { Db } from '../../src/store/db.js';

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

/** The real report builder (as app/ wires it), counting the builds it makes. */
export function testReportPdfs(
  db: Db,
  timeZone: string,
): ReportPdfs & { builds: { date: string; audience: ReportAudience }[] } {
  const builds: { date: string; audience: ReportAudience }[] = [];
  const real = reportPdfs(db, timeZone);
  return {
    builds,
    build: (date, audience) => {
      builds.push({ date, audience });
      return real.build(date, audience);
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
