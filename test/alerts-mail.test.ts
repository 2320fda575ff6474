// Alert mails from the outbox to a real SMTP server: the right mails, once each, through
// outages and rejections.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { expect, it } from 'vitest';
import { runMailWorker, type MailWorkerStats } from '../src/alerts/mail-worker.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import type { Db } from '../src/store/db.js';
import { describeEachDb } from './support/databases.js';
import { ingestFile, tempFile } from './support/ingest.js';
import { simFileFeed } from './support/sim-feed.js';
import { startSmtp } from './support/smtp.js';

const { lines: feed, truths } = simFileFeed({
  bikes: 6,
  ridesPerBike: 2,
  seed: 91,
  abnormalShare: 0.6,
});

interface AlertRow {
  alert_id: number;
  kind: 'high' | 'low';
  limit_bpm: number;
  readings: { bpm: number }[];
  state: string;
  attempts: number;
  last_error: string | null;
  email: string;
  title: string | null;
  first_name: string;
  last_name: string;
}

const alerts = (db: Db): Promise<AlertRow[]> =>
  db.query<AlertRow>(
    `SELECT a.alert_id, a.kind, a.limit_bpm, a.readings, a.state, a.attempts, a.last_error,
            p.email, p.title, p.first_name, p.last_name
     FROM alerts a JOIN riders p USING (rider_id) ORDER BY a.alert_id`,
  );

/** Runs the worker against `url` until `until` holds, then stops it. */
async function work(
  db: Db,
  url: string,
  until: () => Promise<boolean>,
  maxAgeMs: number | null = null,
): Promise<MailWorkerStats> {
  const ac = new AbortController();
  const mailer = createSmtpMailer({ url, from: 'Deloton <alerts@deloton.test>' });
  const run = runMailWorker({
    db,
    mailer,
    logger: pino({ level: 'silent' }),
    signal: ac.signal,
    cc: null,
    timeZone: 'Europe/London',
    domain: 'deloton.test',
    sweepMs: 100,
    maxAgeMs,
  });
  try {
    for (let i = 0; i < 600 && !(await until()); i++) await sleep(50);
  } finally {
    ac.abort();
  }
  const stats = await run;
  await mailer.close();
  return stats;
}

const allDone = (db: Db) => async () => (await alerts(db)).every((a) => a.state !== 'queued');

describeEachDb('alert mails', (get) => {
  it('sends each queued alert once: to the rider, by name, with the readings, limit and actions', async () => {
    const { db } = get();
    await ingestFile(db, tempFile(feed));
    const queued = await alerts(db);
    expect(queued.length).toBeGreaterThan(2);
    const smtp = await startSmtp();
    try {
      const stats = await work(db, smtp.url, allDone(db));
      expect(stats).toMatchObject({ sent: queued.length, failed: 0 });
      expect(smtp.mails).toHaveLength(queued.length);
      // Exactly the simulator's abnormal episodes, each mailed to its own rider.
      const abnormal = truths.filter((t) => t.abnormal !== null);
      const riders = await db.query<{ rider_id: number; email: string }>(
        'SELECT rider_id, email FROM riders',
      );
      const emailOf = new Map(riders.map((r) => [r.rider_id, r.email]));
      const recipients = smtp.mails.map((m) => {
        const to = Array.isArray(m.to) ? m.to[0] : m.to;
        return to?.value[0]?.address ?? '';
      });
      expect(recipients.sort()).toEqual(abnormal.map((t) => emailOf.get(t.userId)).sort());
      for (const a of queued) {
        const mail = smtp.mails.find((m) => m.messageId === `<alert-${a.alert_id}@deloton.test>`);
        expect(mail, `mail for alert ${a.alert_id}`).toBeDefined();
        expect(JSON.stringify(mail!.to)).toContain(a.email);
        expect(mail!.subject).toContain(`${a.limit_bpm} bpm`);
        const greeting = a.title ? `Dear ${a.title} ${a.last_name},` : `Dear ${a.first_name},`;
        for (const part of [mail!.text ?? '', mail!.html || '']) {
          expect(part).toContain(greeting);
          for (const r of a.readings) expect(part).toContain(`${r.bpm} bpm`);
          expect(part).toContain(`${a.limit_bpm} bpm`);
          if (a.kind === 'high') expect(part).toMatch(/Ease off[\s\S]*dizzy[\s\S]*emergency/);
          else expect(part).toMatch(/Stop and rest[\s\S]*sensor contact[\s\S]*doctor/);
        }
      }
      expect((await alerts(db)).every((a) => a.state === 'sent')).toBe(true);
    } finally {
      await smtp.stop();
    }
  });

  it('keeps retrying while the mail server is down and delivers every alert once when it is back', async () => {
    const { db } = get();
    await ingestFile(db, tempFile(feed));
    const count = (await alerts(db)).length;
    const probe = await startSmtp();
    const port = probe.port;
    await probe.stop();
    let smtp: Awaited<ReturnType<typeof startSmtp>> | null = null;
    try {
      const stats = await work(db, `smtp://127.0.0.1:${port}`, async () => {
        const rows = await alerts(db);
        // Down: attempts pile up with the connection error; then the server comes back.
        if (!smtp && rows.every((a) => a.attempts >= 2 && a.state === 'queued' && a.last_error))
          smtp = await startSmtp({ port });
        return rows.every((a) => a.state === 'sent');
      });
      expect(smtp).not.toBeNull();
      expect(stats.sent).toBe(count);
      expect(stats.retried).toBeGreaterThanOrEqual(count);
      const ids = smtp!.mails.map((m) => m.messageId);
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
    } finally {
      await (smtp as Awaited<ReturnType<typeof startSmtp>> | null)?.stop();
    }
  });

  it('marks an alert whose recipient the server rejects as failed with the reason, and goes on', async () => {
    const { db } = get();
    await ingestFile(db, tempFile(feed));
    const queued = await alerts(db);
    const victim = queued[0]!;
    const others = queued.filter((a) => a.email !== victim.email);
    expect(others.length).toBeGreaterThan(0);
    const escaped = victim.email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const smtp = await startSmtp({ reject: new RegExp(`^${escaped}$`) });
    try {
      await work(db, smtp.url, allDone(db));
      const rows = await alerts(db);
      for (const a of rows)
        if (a.email === victim.email) {
          expect(a.state).toBe('failed');
          expect(a.attempts).toBe(1);
          expect(a.last_error).toMatch(/550.*no such user|no such user/);
        } else expect(a.state).toBe('sent');
      expect(smtp.mails).toHaveLength(others.length);
    } finally {
      await smtp.stop();
    }
  });

  it('does not mail alerts detected too long ago (a backfill, or an outbox kept without SMTP)', async () => {
    const { db } = get();
    await ingestFile(db, tempFile(feed)); // rides of 2022
    const smtp = await startSmtp();
    try {
      await work(db, smtp.url, allDone(db), 15 * 60_000);
      const rows = await alerts(db);
      expect(rows.length).toBeGreaterThan(0);
      for (const a of rows) {
        expect(a.state).toBe('failed');
        expect(a.last_error).toMatch(/not mailed: detected 15 min or more before/);
      }
      expect(smtp.mails).toHaveLength(0);
    } finally {
      await smtp.stop();
    }
  });
});
