// What the dashboard's alert view reads besides the list: each alert's mail, rendered as the mail
// worker renders it (readable without a mail server), and whether mails go out at all; on PGlite
// and PostgreSQL.
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { runMailWorker } from '../src/alerts/mail-worker.js';
import { buildHttpServer } from '../src/app/http-server.js';
import { createSmtpMailer } from '../src/mail/smtp-mailer.js';
import { AlertMail, ErrorResponse } from '../src/api/schemas.js';
import { HealthBody } from '../src/api/health-schemas.js';
import { apiHarness, expectBody, makeKey, type ApiHarness } from './support/api.js';
import { seed } from './support/api-seed.js';
import { describeEachDb } from './support/databases.js';
import { silent } from './support/ingest.js';
import { startSmtp } from './support/smtp.js';
import { waitUntil } from './support/wait.js';

describeEachDb('alert mails in the API', (get) => {
  let api: ApiHarness | undefined;
  afterEach(async () => api?.close());

  it("shows an admin each alert's mail exactly as the mail worker sends it; a viewer gets 403", async () => {
    const { db } = get();
    await seed(db);
    const smtp = await startSmtp();
    const ac = new AbortController();
    const mailer = createSmtpMailer({ url: smtp.url, from: 'Deloton <alerts@deloton.test>' });
    const settings = {
      cc: 'staff@deloton.test',
      timeZone: 'Europe/London',
      domain: 'deloton.test',
    };
    const worker = runMailWorker({
      db,
      mailer,
      logger: pino({ level: 'silent' }),
      signal: ac.signal,
      ...settings,
      sweepMs: 100,
      maxAgeMs: null,
    });
    const alerts = await db.query<{
      alert_id: number;
      email: string;
      last_name: string;
      title: string | null;
      first_name: string;
    }>(
      `SELECT a.alert_id, p.email, p.last_name, p.title, p.first_name
       FROM alerts a JOIN riders p USING (rider_id) ORDER BY a.alert_id`,
    );
    expect(alerts.length).toBeGreaterThan(1);
    try {
      await waitUntil(() => smtp.mails.length === alerts.length, 'every alert mailed');
    } finally {
      ac.abort();
      await worker;
      await mailer.close();
      await smtp.stop();
    }
    const app = await buildHttpServer({
      db,
      logger: silent,
      displayTimeZone: settings.timeZone,
      rateLimitPerMinute: null,
      alertMail: { delivery: 'smtp', cc: settings.cc, domain: settings.domain },
    });
    try {
      const admin = await makeKey(db, 'mail-admin', 'admin');
      const viewer = await makeKey(db, 'mail-viewer', 'viewer');
      const call = (url: string, key: string | null) =>
        app.inject({ url, headers: key ? { authorization: `Bearer ${key}` } : {} });
      for (const a of alerts) {
        const shown = expectBody(
          await call(`/api/alerts/${a.alert_id}/mail`, admin),
          200,
          AlertMail,
        );
        const sent = smtp.mails.find((m) => m.messageId === `<alert-${a.alert_id}@deloton.test>`)!;
        expect(shown.to).toBe(a.email);
        expect(JSON.stringify(sent.to)).toContain(a.email);
        expect(shown.cc).toBe(settings.cc);
        expect(shown.subject).toBe(sent.subject);
        expect(shown.text.trim()).toBe(sent.text!.trim());
        expect(shown.html).toBe(sent.html);
        const name = a.title ? `${a.title} ${a.last_name}` : a.first_name;
        expect(shown.text).toContain(`Dear ${name},`);
        const refused = await call(`/api/alerts/${a.alert_id}/mail`, viewer);
        expect(expectBody(refused, 403, ErrorResponse).error.code).toBe('forbidden');
        expect(refused.body).not.toContain(a.email);
      }
      expect((await call(`/api/alerts/${alerts[0]!.alert_id}/mail`, null)).statusCode).toBe(401);
      expect(
        expectBody(await call('/api/alerts/999999/mail', admin), 404, ErrorResponse).error.message,
      ).toBe('no alert 999999');
      // A rider without an email address gets no mail.
      await db.query('UPDATE riders SET email = NULL WHERE email = $1', [alerts[0]!.email]);
      expect(
        expectBody(await call(`/api/alerts/${alerts[0]!.alert_id}/mail`, admin), 404, ErrorResponse)
          .error.message,
      ).toMatch(/has no mail: the rider has no email address/);
      // This server says that mails go out.
      expect(expectBody(await call('/health', null), 200, HealthBody).mailDelivery).toBe('smtp');
    } finally {
      await app.close();
    }
  });

  it('says on /health when mails wait in the outbox, and renders them there all the same', async () => {
    const { db } = get();
    await seed(db);
    api = await apiHarness(db);
    expect(expectBody(await api.call('GET', '/health', null), 200, HealthBody).mailDelivery).toBe(
      'outbox',
    );
    const [alert] = await db.query<{ id: number; state: string }>(
      'SELECT alert_id AS id, state FROM alerts ORDER BY alert_id LIMIT 1',
    );
    expect(alert!.state).toBe('queued');
    const mail = expectBody(
      await api.call('GET', `/api/alerts/${alert!.id}/mail`, api.admin),
      200,
      AlertMail,
    );
    expect(mail.cc).toBeNull();
    expect(mail.subject).toMatch(/^Heart-rate alert: /);
    expect(mail.html).toMatch(/^<!doctype html>/);
  });
});
