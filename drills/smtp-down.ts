// Drill: the SMTP server down for 60 s while alerts fire, under a running ingest and alert
// mailer. Alerts detected meanwhile wait in the outbox and go out once it is back: one mail per
// alert, none doubled, and the database equals one clean run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { startSmtp, type TestSmtp } from '../test/support/smtp.js';
import { build, Checks, log, runDrill, seconds } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { deloton } from './support/procs.js';
import { freshDb, referenceRun } from './support/reference.js';
import {
  compareWithReference,
  lagRecovery,
  mailFigures,
  waitForMails,
  checkLagBack,
  checkSameAsReference,
} from './support/verify.js';

const DOWN_S = numberArg('down', 60);

await runDrill('smtp-down', async () => {
  build();
  const checks = new Checks();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-drill-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const feed = join(dir, 'feed.jsonl');
  const { url, db } = await freshDb('drill_smtp');
  const received: ParsedMail[] = [];
  let smtp: TestSmtp | null = await startSmtp();
  const port = smtp.port;
  onCleanup('stop the SMTP server', async () => {
    await smtp?.stop();
  });

  const env = { DATABASE_URL: url };
  const feeder = startFeeder({
    target: { kind: 'file', path: feed },
    bikes: 40,
    seed: 33,
    // Half the rides out of bounds: alerts keep firing through the outage.
    abnormalShare: 0.5,
    backlogS: 20,
  });
  const ingest = deloton(['ingest', '--source', `file:${feed}`], env);
  const alerts = deloton(['alerts'], {
    ...env,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'drills@deloton.test',
  });
  await lagRecovery(db, Date.now(), 30_000);
  await waitForMails(db, 30_000);
  const sentBefore = smtp.mails.length;
  log(`${sentBefore} mails before the outage; stopping the SMTP server for ${DOWN_S} s`);
  const downAt = Date.now();
  const closing = smtp;
  smtp = null;
  // Closing waits for the mailer's open connection; the port refuses new ones at once.
  const closed = closing.stop().then(() => received.push(...closing.mails));
  await sleep(DOWN_S * 1000);
  await closed;
  const [queued] = await db.query<{ n: number; detected: number }>(
    `SELECT count(*) FILTER (WHERE state <> 'sent')::int AS n,
            count(*) FILTER (WHERE detected_at >= $1)::int AS detected
     FROM alerts`,
    [new Date(downAt)],
  );
  log(`${queued?.n} alerts waiting, ${queued?.detected} detected while down; starting it again`);
  smtp = await startSmtp({ port });
  const upAt = Date.now();
  await waitForMails(db, 120_000);
  const allSentS = seconds(Date.now() - upAt);
  const lag = await lagRecovery(db, Date.now(), 30_000);
  const messages = await feeder.stop();
  const want = await referenceRun(`file:${feed}`);
  const cmp = await compareWithReference(db, want);
  await waitForMails(db, 120_000);
  // Let a doubled send, if the mailer made one, arrive before counting.
  await sleep(2000);
  received.push(...smtp.mails);
  const mails = await mailFigures(db, received);
  checks.check(ingest.running(), `deloton ingest exited: ${ingest.output().slice(-800)}`);
  checks.check(alerts.running(), `deloton alerts exited: ${alerts.output().slice(-800)}`);
  checks.check(
    (queued?.n ?? 0) > 0,
    'no alert waited for the SMTP server: the drill tested nothing',
  );
  checks.check(mails.unsent === 0, `${mails.unsent} alerts not sent`);
  checks.check(
    mails.mailsReceived === mails.alerts,
    `${mails.mailsReceived} mails for ${mails.alerts} alerts`,
  );
  checks.check(mails.mailsDoubled === 0, `${mails.mailsDoubled} mails received twice`);
  checkLagBack(checks, lag.lagAfterS, 'lag after');
  checkSameAsReference(checks, cmp);
  return {
    failures: checks.failures,
    figures: {
      downSeconds: seconds(upAt - downAt),
      alertsWaiting: queued?.n ?? 0,
      alertsDetectedWhileDown: queued?.detected ?? 0,
      allSentAfterS: allSentS,
      mailsExpected: mails.alerts,
      mailsSent: mails.mailsReceived,
      mailsDoubled: mails.mailsDoubled,
      lagAfterS: lag.lagAfterS,
      messages,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
    },
  };
});
