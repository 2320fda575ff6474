// Drill: an ingest process killed with SIGKILL at 10 random moments while a real-time feed
// runs. Each restart must catch up (lag under 1 s), and the end state must equal one clean run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../bench/support/cleanup.js';
import { numberArg } from '../bench/support/args.js';
import { build, Checks, log, runDrill, seconds } from './support/drill.js';
import { startFeeder } from './support/feeder.js';
import { deloton } from './support/procs.js';
import { freshDb, referenceRun } from './support/reference.js';
import {
  compareWithReference,
  feedLagS,
  lagRecovery,
  LAG_TARGET_S,
  checkLagBack,
  checkSameAsReference,
} from './support/verify.js';

const KILLS = numberArg('kills', 10);
const BIKES = numberArg('bikes', 40);

await runDrill('sigkill-ingest', async () => {
  build();
  const checks = new Checks();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-drill-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const feed = join(dir, 'feed.jsonl');
  const { url, db } = await freshDb('drill_sigkill');
  // Small batches: more commits, so kills land both between and inside transactions.
  const env = { DATABASE_URL: url, INGEST_BATCH_MESSAGES: '500' };
  const args = ['ingest', '--source', `file:${feed}`];

  const feeder = startFeeder({
    target: { kind: 'file', path: feed },
    bikes: BIKES,
    seed: 12,
    abnormalShare: 0.3,
    backlogS: 60,
  });
  const recoveries: number[] = [];
  let killedBeforeCatchUp = 0;
  let kills = 0;
  let p = deloton(args, env);
  for (let i = 0; i < KILLS; i++) {
    // A random moment in the process's life: often mid catch-up, sometimes well after.
    const lifeMs = 200 + Math.random() * 5800;
    const born = Date.now();
    let recovered: number | null = null;
    while (Date.now() - born < lifeMs) {
      const lag = await feedLagS(db);
      if (recovered === null && lag !== null && lag < LAG_TARGET_S) recovered = Date.now() - born;
      await sleep(100);
    }
    checks.check(
      p.running(),
      `ingest exited by itself before kill ${i + 1}: ${p.output().slice(-500)}`,
    );
    await p.stop('SIGKILL');
    kills++;
    if (recovered === null) killedBeforeCatchUp++;
    else recoveries.push(seconds(recovered));
    log(
      `kill ${kills}/${KILLS} after ${seconds(lifeMs)} s (${recovered === null ? 'catching up' : `caught up in ${seconds(recovered)} s`})`,
    );
    // Down 1-3 s, as a supervisor's restart delay: the feed runs on meanwhile.
    await sleep(1000 + Math.random() * 2000);
    p = deloton(args, env);
  }
  const lag = await lagRecovery(db, Date.now(), 30_000);
  const last = p;
  const messages = await feeder.stop();
  log(`feeder stopped after ${messages} messages`);
  const want = await referenceRun(`file:${feed}`);
  const cmp = await compareWithReference(db, want);
  checkSameAsReference(checks, cmp);
  checks.check(last.running(), `the last ingest exited: ${last.output().slice(-500)}`);
  await last.stop();
  checkLagBack(checks, lag.lagAfterS, 'lag after the last restart');
  return {
    failures: checks.failures,
    figures: {
      kills,
      messages,
      recoverySecondsMax: recoveries.length ? Math.max(...recoveries) : null,
      recoverySecondsMean: recoveries.length
        ? seconds((recoveries.reduce((a, b) => a + b, 0) / recoveries.length) * 1000)
        : null,
      killedBeforeCatchUp,
      lastRecoveryS: lag.recoveryS,
      lagAfterS: lag.lagAfterS,
      rowsCompared: cmp.rowsCompared,
      ...cmp.counts,
    },
  };
});
