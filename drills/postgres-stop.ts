// Drill: PostgreSQL stopped (`pg_ctl stop -m fast`) for 30 s mid-stream and started again, under
// a running ingest, alert mailer and API server. The API answers 503 meanwhile (never 500), the
// pipeline waits and catches up, the dashboard's live stream carries changes again, and the end
// state equals one clean run, with one mail per alert.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { startServe } from '../bench/support/serve.js';
import { openPgDb } from '../src/store/pg-db.js';
import { startSmtp } from '../test/support/smtp.js';
import { build, Checks, log, runDrill, seconds } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { watchLive } from './support/live-watch.js';
import { startPrivatePg } from './support/private-pg.js';
import { createApiKey, deloton } from './support/procs.js';
import { referenceRun } from './support/reference.js';
import {
  compareWithReference,
  lagRecovery,
  mailFigures,
  waitForMails,
  checkLagBack,
  checkSameAsReference,
} from './support/verify.js';

const DOWN_S = numberArg('down', 30);

/** Polls a read route every 250 ms, counting answers by status and noting the last 200's time. */
function pollApi(base: string, key: string) {
  const statuses: Record<string, number> = {};
  let lastOkAt = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const status = await fetch(`${base}/api/rides?limit=5`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(5000),
      })
        .then(async (r) => {
          await r.arrayBuffer();
          return String(r.status);
        })
        .catch(() => 'no answer');
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === '200') lastOkAt = Date.now();
      await sleep(250);
    }
  })();
  const stop = async (): Promise<void> => {
    stopped = true;
    await done;
  };
  onCleanup('stop polling the API', stop);
  return { statuses, lastOkAt: () => lastOkAt, stop };
}

await runDrill('postgres-stop', async () => {
  build();
  const checks = new Checks();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-drill-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const feed = join(dir, 'feed.jsonl');
  const server = await startPrivatePg();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE drill');
  await admin.end();
  const url = server.adminUrl.replace(/\/postgres$/, '/drill');
  // The drill's own reads wait out the outage like the processes do (errors are expected).
  const db = openPgDb(url, { onError: () => undefined });
  onCleanup('close the drill database', () => db.close());
  const smtp = await startSmtp();
  onCleanup('stop the SMTP server', () => smtp.stop());

  const env = { DATABASE_URL: url };
  const key = await createApiKey(env);
  const feeder = startFeeder({
    target: { kind: 'file', path: feed },
    bikes: 40,
    seed: 21,
    abnormalShare: 0.3,
    backlogS: 30,
  });
  const ingest = deloton(['ingest', '--source', `file:${feed}`], env);
  const alerts = deloton(['alerts'], {
    ...env,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'drills@deloton.test',
  });
  const base = await startServe(url);
  const live = watchLive(base, key);
  const api = pollApi(base, key);

  const steady = await lagRecovery(db, Date.now(), 30_000);
  checks.check(steady.recoveryS !== null, 'the pipeline never caught up before the outage');
  await sleep(3000);
  const before = { ...api.statuses };
  log(`stopping PostgreSQL for ${DOWN_S} s`);
  const stoppedAt = Date.now();
  server.stop();
  await sleep(DOWN_S * 1000);
  log('starting PostgreSQL again');
  server.start();
  const startedAt = Date.now();
  const during = Object.fromEntries(
    Object.entries(api.statuses).map(([s, n]) => [s, n - (before[s] ?? 0)]),
  );
  const lag = await lagRecovery(db, startedAt, 90_000);
  // The live stream must carry changes read after the restart (the hub re-LISTENs and resyncs).
  const liveBack = await (async () => {
    for (let i = 0; i < 300; i++) {
      const t = live.changes.find((c) => c > startedAt);
      if (t) return t;
      await sleep(100);
    }
    return null;
  })();
  const apiBack = api.lastOkAt() > startedAt ? api.lastOkAt() : null;
  const statusesDuring = Object.fromEntries(Object.entries(during).filter(([, n]) => n > 0));
  log(`API answers while down: ${JSON.stringify(statusesDuring)}`);
  await api.stop();

  const messages = await feeder.stop();
  const want = await referenceRun(`file:${feed}`);
  const cmp = await compareWithReference(db, want);
  await waitForMails(db, 60_000);
  const mails = await mailFigures(db, smtp.mails);
  for (const [name, p] of [
    ['ingest', ingest],
    ['alerts', alerts],
  ] as const)
    checks.check(p.running(), `deloton ${name} exited: ${p.output().slice(-800)}`);
  checks.check((during['503'] ?? 0) > 0, 'the API never answered 503 while the database was down');
  checks.check(
    Object.keys(statusesDuring).every((s) => s === '503' || s === '200'),
    `the API answered other than 503 while down: ${JSON.stringify(statusesDuring)}`,
  );
  checks.check(apiBack !== null, 'the API never answered 200 again');
  checks.check(liveBack !== null, 'the live stream carried no change after the restart');
  checkLagBack(checks, lag.lagAfterS, 'lag after');
  checkSameAsReference(checks, cmp);
  checks.check(mails.unsent === 0, `${mails.unsent} alerts not sent`);
  checks.check(
    mails.mailsReceived === mails.alerts,
    `${mails.mailsReceived} mails for ${mails.alerts} alerts`,
  );
  checks.check(mails.mailsDoubled === 0, `${mails.mailsDoubled} mails received twice`);
  return {
    failures: checks.failures,
    figures: {
      downSeconds: seconds(startedAt - stoppedAt),
      apiAnswersWhileDown: statusesDuring,
      api503s: during['503'] ?? 0,
      apiBackS: apiBack === null ? null : seconds(apiBack - startedAt),
      liveReconnects: live.opens() - 1,
      liveBackS: liveBack === null ? null : seconds(liveBack - startedAt),
      recoveryS: lag.recoveryS,
      lagAfterS: lag.lagAfterS,
      messages,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
      mailsExpected: mails.alerts,
      mailsSent: mails.mailsReceived,
      mailsDoubled: mails.mailsDoubled,
    },
  };
});
