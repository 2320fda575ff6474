// The roles without an HTTP server (ingest, alerts, reports) serve /health and /metrics on
// METRICS_PORT, so that their own counters can be scraped in production.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDb } from '../src/store/pg-db.js';
import { runCli } from './support/cli.js';
import { createPgDatabase } from './support/databases.js';
import { role, sample } from './support/ops-role.js';
import { startSmtp, type TestSmtp } from './support/smtp.js';
import { waitUntil } from './support/wait.js';

describe('metrics and health of the roles without an HTTP server', () => {
  let db: { url: string; drop: () => Promise<void> };
  let smtp: TestSmtp;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createPgDatabase();
    smtp = await startSmtp();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await smtp?.stop();
    await db?.drop();
  });

  it('ingest counts what it stores, and stops serving when it stops', async () => {
    const r = await role(['ingest', '--source', 'simulator', '--bikes', '3', '--realtime'], {
      DATABASE_URL: db.url,
    });
    children.push(r.child);
    await waitUntil(
      async () => (sample(await r.metrics(), 'deloton_ingest_readings_total') ?? 0) > 0,
      'readings counted',
    );
    const text = await r.metrics();
    expect(sample(text, 'deloton_ingest_messages_total')).toBeGreaterThan(0);
    expect(sample(text, 'deloton_ingest_fenced_batches_total')).toBe(0);
    // Every role reports what it keeps alive (set at its first full collection).
    expect(text).toMatch(/^# TYPE deloton_heap_live_bytes gauge$/m);
    const h = await r.health();
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', database: { kind: 'postgres', status: 'ok' } });
    expect((h.body.ingest as { messages: number }).messages).toBeGreaterThan(0);
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    await expect(fetch(`${r.base}/health`)).rejects.toThrow();
  });

  it('alerts counts the mails it sends', async () => {
    // A fleet whose every ride is abnormal, stored first; its alerts wait in the outbox.
    const ingest = await runCli(
      [
        'ingest',
        '--source',
        'simulator',
        '--fast',
        '--bikes',
        '3',
        '--rides-per-bike',
        '1',
        '--abnormal-share',
        '1',
        '--seed',
        '7',
      ],
      { DATABASE_URL: db.url },
    );
    expect(ingest.code).toBe(0);
    const pg = openPgDb(db.url);
    const [queued] = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alerts WHERE sent_at IS NULL`,
    );
    await pg.close();
    expect(queued!.n).toBeGreaterThan(0);

    // Old alerts are mailed too: the simulated rides are of today's morning.
    const r = await role(['alerts'], {
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deloton <alerts@deloton.test>',
      ALERT_MAX_AGE: '0',
    });
    children.push(r.child);
    await waitUntil(
      async () =>
        sample(await r.metrics(), 'deloton_alert_mails_total{outcome="sent"}') === queued!.n,
      'every alert mailed',
    );
    expect(smtp.mails).toHaveLength(queued!.n);
    const h = await r.health();
    expect(h.body).toMatchObject({ status: 'ok', alertMail: { sent: queued!.n, failed: 0 } });
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });

  it('reports says which port it could not take', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli(['reports'], { DATABASE_URL: db.url, METRICS_PORT: String(port) });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`cannot listen on METRICS_PORT ${port}`);
    } finally {
      busy.close();
    }
  });
});
