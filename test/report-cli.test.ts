// `deloton report` and `deloton reports` through the real CLI, against PostgreSQL and a real SMTP
// server: the PDF written or mailed for a day, the day refused when it makes no sense, and the
// schedule as its own process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateIn, daysBefore } from '../src/domain/calendar-day.js';
import { runCli, spawnCli } from './support/cli.js';
import { openTestDb, type TestDb } from './support/databases.js';
import { REPORT_DAY, REPORT_ZONE, seedReportDays } from './support/report-day.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { waitUntil } from './support/wait.js';

let t: TestDb & { close(): Promise<void> };
let smtp: TestSmtp;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'deloton-report-cli-'));

beforeAll(async () => {
  t = await openTestDb('postgres');
  await seedReportDays(t.db);
  smtp = await startSmtp();
  env = {
    DATABASE_URL: t.url!,
    DISPLAY_TIMEZONE: REPORT_ZONE,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Deloton <reports@deloton.test>',
  };
});
afterAll(async () => {
  await smtp?.stop();
  await t?.close();
});

describe('deloton report', () => {
  it('writes the PDF of a day given either way, and mails it with --send', async () => {
    const out = join(dir, 'day.pdf');
    const written = await runCli(['report', '--date', '06-07-2022', '--out', out], env);
    expect(written.stderr).toContain('building the report for 2022-07-06');
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`wrote ${out}`);
    const text = execFileSync('pdftotext', ['-layout', out, '-']).toString();
    expect(text).toContain('Wednesday 6 July 2022');

    const sent = await runCli(
      ['report', '--date', REPORT_DAY, '--send', '--to', 'ceo@example.test,cfo@example.test'],
      env,
    );
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('mailed to ceo@example.test');
    expect(sent.stdout).toContain('mailed to cfo@example.test');
    const mails = smtp.mails.filter((m) => m.subject?.includes('6 July 2022'));
    expect(mails).toHaveLength(2);
    // The same day built again is the same report: equal figures, equal text.
    const attached = execFileSync('pdftotext', ['-layout', '-', '-'], {
      input: mails[0]!.attachments[0]!.content,
    }).toString();
    // Only the footer's "Made <time>" may differ: the two were built a few seconds apart.
    const unstamped = (t: string) => t.replace(/Made \w{3} \d+ \w{3} \d\d:\d\d \w+/g, 'Made');
    expect(unstamped(attached)).toBe(unstamped(text));
    expect(unstamped(text)).not.toBe(text);
    // The CLI's mails are its own: the schedule's record of the day is untouched.
    expect(await t.db.query('SELECT 1 FROM reports')).toHaveLength(0);
  });

  it('refuses a day that is no date, a day to come, and --send without anyone to send to', async () => {
    const bad = await runCli(['report', '--date', '2022-02-30'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('2022-02-30 is not a calendar date');
    const tomorrow = daysBefore(dateIn(REPORT_ZONE, Date.now()), -1);
    const future = await runCli(['report', '--date', tomorrow, '--out', join(dir, 'x.pdf')], env);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('has not begun yet');
    const nobody = await runCli(['report', '--date', REPORT_DAY, '--send'], env);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('needs --to');
    const badTo = await runCli(['report', '--date', REPORT_DAY, '--send', '--to', 'ceo'], env);
    expect(badTo.code).toBe(2);
    expect(badTo.stderr).toContain('not an email address: "ceo"');
  });
});

describe('deloton reports', () => {
  it('runs the schedule as its own process: the latest due day is built, stored and mailed', async () => {
    const before = smtp.mails.length;
    const child = spawnCli(['reports'], {
      ...env,
      // Every minute: the latest run has always passed, so yesterday is due at once.
      REPORT_CRON: '* * * * *',
      REPORT_RECIPIENTS: 'ceo@example.test',
    });
    try {
      const yesterday = daysBefore(dateIn(REPORT_ZONE, Date.now()), 1);
      await waitUntil(
        async () =>
          (
            await t.db.query<{ state: string }>(
              `SELECT state FROM reports WHERE day = $1 AND state = 'sent'`,
              [yesterday],
            )
          ).length === 1,
        "yesterday's report sent",
        // Building the PDF is seconds of CPU: on a loaded machine (the whole suite) many more.
        { timeoutMs: 90_000 },
      );
      await waitUntil(() => smtp.mails.length > before, 'the mail');
      const [row] = await t.db.query<{ pdf: Uint8Array }>(
        'SELECT pdf FROM reports WHERE day = $1',
        [yesterday],
      );
      const mail = smtp.mails[smtp.mails.length - 1]!;
      expect(Buffer.compare(mail.attachments[0]!.content, Buffer.from(row!.pdf))).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(readFileSync(join(dir, 'day.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  }, 150_000);
});
