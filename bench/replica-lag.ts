// The replay lag of a streaming replica (DATABASE_READ_URL) while `deloton ingest` writes a
// simulated feed to its primary as fast as it can, far above a fleet's real-time rate: the lag
// `/health` reports (`readDatabase.replayLagS`), sampled every --every-ms. Run by hand (not part
// of `npm run bench`): it needs initdb, pg_basebackup and pg_ctl.
//   npx tsx bench/replica-lag.ts [--bikes 1000] [--every-ms 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openPgDb } from '../src/store/pg-db.js';
import { replayLagSeconds } from '../src/store/replica-status.js';
import { startStreamingPair } from '../test/support/streaming-replica.js';
import { numberArg } from './support/args.js';
import { onCleanup } from './support/cleanup.js';
import { buildDist, ROOT, runCli } from './support/cli-run.js';
import { log } from './support/log.js';
import { BenchFailure, round, runBench } from './support/output.js';
import { percentile } from './support/stats.js';

const BIKES = numberArg('bikes', 1_000);
const EVERY_MS = numberArg('every-ms', 50);

await runBench('replica-lag', async () => {
  buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-replica-lag-'));
  onCleanup('feed dir', () => rmSync(dir, { recursive: true, force: true }));
  const feed = join(dir, 'feed.jsonl');
  log(`simulating ${BIKES} bikes`);
  await runCli(
    [
      ...['simulate', '--bikes', String(BIKES), '--rides-per-bike', '1', '--seed', '1'],
      ...['--fast', '--out', feed],
    ],
    {},
    ROOT,
  );
  log('starting a primary and a streaming replica');
  const pair = await startStreamingPair();
  onCleanup('servers', pair.stop);
  const admin = openPgDb(pair.primaryUrl('postgres'));
  await admin.query('CREATE DATABASE deloton');
  await admin.close();
  const replica = openPgDb(pair.replicaUrl('deloton'));
  onCleanup('replica pool', () => replica.close());

  const samples: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const lag = await replayLagSeconds(replica).catch(() => null);
      if (lag !== null) samples.push(lag);
      await sleep(EVERY_MS);
    }
  })();
  log('ingesting into the primary');
  const run = await runCli(
    ['ingest', '--source', `file:${feed}`, '--until-idle'],
    {
      DATABASE_URL: pair.primaryUrl('deloton'),
      LOG_LEVEL: 'info',
    },
    ROOT,
  );
  sampling = false;
  await sampler;
  const primary = openPgDb(pair.primaryUrl('deloton'));
  onCleanup('primary pool', () => primary.close());
  const count = async (db: typeof primary): Promise<number> =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM readings'))[0]!.n;
  const readings = await count(primary);
  // The replica ends with every row: nothing is lost in the replay, only delayed.
  for (let i = 0; (await count(replica)) !== readings; i++) {
    if (i > 200) throw new BenchFailure('the replica did not catch up within 10 s');
    await sleep(50);
  }
  samples.sort((a, b) => a - b);
  return {
    bikes: BIKES,
    readings,
    ingestS: round(run.wallMs / 1000),
    samples: samples.length,
    lagP50S: round(percentile(samples, 50)),
    lagP95S: round(percentile(samples, 95)),
    lagMaxS: round(samples.at(-1) ?? NaN),
  };
});
