// The daily report's schedule against a real SMTP server and PostgreSQL: each day mailed once
// with the PDF attached byte for byte as stored, also with two schedulers, after an SMTP outage
// and for days missed while nothing ran; the PDF's figures equal those computed from the rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  formatBpm,
  formatDuration,
  formatInteger,
  formatKj,
  formatWatts,
} from '../src/charts/format.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import {
  newReportSchedulerStats,
  runReportScheduler,
  type ReportSchedulerStats,
} from '../src/reports/report-scheduler.js';
import type { Db } from '../src/store/db.js';
import { openPgDb } from '../src/store/pg-db.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import {
  expectedFigures,
  REPORT_DAY,
  REPORT_DAY_FROM,
  REPORT_DAY_UNTIL,
  REPORT_ZONE,
  seedReportDays,
} from './support/report-day.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { waitUntil } from './support/wait.js';

// 08:00 BST on 7 July 2022: the 07:00 run has passed, so 6 July is due.
const NOW = Date.UTC(2022, 6, 7, 7);
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts', 'report-mail');

let t: TestDb & { close(): Promise<void> };
let smtp: TestSmtp | null = null;
const running: { stop: AbortController; done: Promise<ReportSchedulerStats> }[] = [];

beforeAll(async () => {
  t = await openTestDb('postgres');
  await seedReportDays(t.db);
});
afterAll(async () => {
  await t?.close();
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.stop.abort();
    await r.done;
  }
  await smtp?.stop();
  smtp = null;
  await t.db.query('DELETE FROM reports');
});

/** Starts a scheduler on `db` mailing through `smtpUrl`. */
function startScheduler(db: Db, smtpUrl: string, recipients: readonly string[]) {
  const stop = new AbortController();
  const stats = newReportSchedulerStats();
  const mailer = createSmtpMailer({ url: smtpUrl, from: 'Deloton <reports@deloton.test>' });
  const done = runReportScheduler({
    db,
    mailer,
    logger: silent,
    signal: stop.signal,
    schedule: { cron: '0 7 * * *', timeZone: REPORT_ZONE },
    recipients,
    domain: 'deloton.test',
    now: () => NOW,
    sweepMs: 200,
    stats,
  }).finally(() => mailer.close());
  running.push({ stop, done });
  return stats;
}

const reportRows = (db: Db) =>
  db.query<{ day: string; state: string; recipients: string[]; pdf: Uint8Array | null }>(
    'SELECT day, state, recipients, pdf FROM reports ORDER BY day',
  );

/** The text of a PDF, as poppler extracts it. */
function pdfText(pdf: Uint8Array, name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  // The pages as pictures, kept for people to look at.
  execFileSync('pdftoppm', ['-r', '60', '-png', file, join(ARTIFACTS, name)]);
  return execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
}

describe('the daily report schedule', () => {
  it('mails the day once with two schedulers running, the PDF as stored, its figures right', async () => {
    smtp = await startSmtp();
    // A second process: its own connection pool on the same database.
    const other = openPgDb(t.url!);
    const recipients = ['ceo@example.test', 'cfo@example.test'];
    const a = startScheduler(t.db, smtp.url, recipients);
    const b = startScheduler(other, smtp.url, recipients);
    await waitUntil(async () => (await reportRows(t.db))[0]?.state === 'sent', 'the report sent');
    // Both schedulers look again several times: nothing more may go out.
    await waitUntil(() => a.sent + b.sent >= 1 && smtp!.mails.length >= 2, 'both mails');
    await new Promise((r) => setTimeout(r, 1_000));
    const to = smtp.mails.flatMap((m) =>
      (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) =>
        a.value.map((v) => v.address),
      ),
    );
    expect(to.sort()).toEqual(recipients);
    expect(smtp.mails).toHaveLength(2);
    expect(a.built + b.built).toBe(1);
    const [row] = await reportRows(t.db);
    expect(row).toMatchObject({ day: REPORT_DAY, state: 'sent' });
    expect(row!.recipients.sort()).toEqual(recipients);
    for (const mail of smtp.mails) {
      expect(mail.subject).toContain('Wednesday 6 July 2022');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0]!.contentType).toBe('application/pdf');
      expect(Buffer.compare(mail.attachments[0]!.content, Buffer.from(row!.pdf!))).toBe(0);
      expect(mail.html).not.toMatch(/<img|src=["']https?:/);
      expect(mail.text).toContain('What changed');
    }

    const want = await expectedFigures(t.db, REPORT_DAY_FROM, REPORT_DAY_UNTIL);
    const text = pdfText(row!.pdf!, 'scheduled-day');
    for (const figure of [
      formatInteger(want.rideCount),
      formatInteger(want.riders),
      formatDuration(want.totalDurationS),
      formatKj(want.totalEnergyKj),
      formatWatts(want.avgPowerW!),
      formatBpm(want.avgHeartRate!),
    ])
      expect(text).toContain(figure);
    expect(text).toContain(want.topRiders[0]!.name.split(' ').pop()!);
    expect(smtp.mails[0]!.text).toContain(`Rides: ${formatInteger(want.rideCount)}`);
    expect(smtp.mails[0]!.text).toContain(`Heart-rate alerts: ${formatInteger(want.alerts)}`);
    for (const r of running.splice(0)) {
      r.stop.abort();
      await r.done;
    }
    await other.close();
  });

  it('sends after an SMTP outage, once, with backoff meanwhile', async () => {
    // A port with nobody listening: the mail server is down.
    const probe = await startSmtp();
    const port = probe.port;
    await probe.stop();
    const stats = startScheduler(t.db, `smtp://127.0.0.1:${port}`, ['ceo@example.test']);
    await waitUntil(() => stats.retried >= 2, 'two failed attempts');
    const [pending] = await t.db.query<{ state: string; last_error: string }>(
      'SELECT state, last_error FROM reports',
    );
    expect(pending?.state).toBe('pending');
    expect(pending?.last_error).toMatch(/ECONNREFUSED|connect/i);
    smtp = await startSmtp({ port });
    await waitUntil(() => smtp!.mails.length >= 1, 'the mail after the outage', {
      timeoutMs: 30_000,
    });
    await waitUntil(async () => (await reportRows(t.db))[0]?.state === 'sent', 'sent recorded');
    expect(smtp.mails).toHaveLength(1);
    expect(stats.built).toBe(1);
  });

  it('after a restart, sends the days missed while nothing ran; a day without rides is short and right', async () => {
    smtp = await startSmtp();
    // The last report any process queued was for 3 July: 4, 5 and 6 July were missed.
    await t.db.query(
      `INSERT INTO reports (day, time_zone, state, sent_at) VALUES ('2022-07-03', $1, 'sent', now())`,
      [REPORT_ZONE],
    );
    startScheduler(t.db, smtp.url, ['ceo@example.test']);
    await waitUntil(() => smtp!.mails.length >= 3, 'three mails', { timeoutMs: 30_000 });
    // The server has the last mail a moment before its sender records it as sent.
    await waitUntil(
      async () => (await reportRows(t.db)).every((r) => r.state !== 'pending'),
      'every day recorded',
    );
    const rows = await reportRows(t.db);
    expect(rows.map((r) => [r.day, r.state])).toEqual([
      ['2022-07-03', 'sent'],
      ['2022-07-04', 'sent'],
      ['2022-07-05', 'sent'],
      ['2022-07-06', 'sent'],
    ]);
    const empty = rows[1]!.pdf!;
    const text = pdfText(empty, 'empty-day');
    expect(text).toContain('No rides were recorded on Monday 4 July 2022');
    const pages = execFileSync('pdfinfo', [join(ARTIFACTS, 'empty-day.pdf')]).toString();
    expect(pages).toMatch(/Pages:\s+1\n/);
    expect(smtp.mails.find((m) => m.subject?.includes('4 July'))?.subject).toMatch(/no rides/);
  });

  it('stores the report unsent when nobody is to get it', async () => {
    smtp = await startSmtp();
    startScheduler(t.db, smtp.url, []);
    await waitUntil(async () => (await reportRows(t.db))[0]?.state === 'stored', 'stored');
    const [row] = await reportRows(t.db);
    expect(Buffer.from(row!.pdf!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(smtp.mails).toHaveLength(0);
  });
});
