// File → database throughput of the real CLI (`deloton ingest --source file:... --until-idle`) on
// PostgreSQL and PGlite, with memory over the run and a bare-COPY ceiling for comparison.
// Usage: npx tsx bench/ingest-file.ts [--messages N] [--skip-pglite]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bareCopyRate } from './support/bare-copy.js';
import { onCleanup } from './support/cleanup.js';
import { buildDist } from './support/cli-run.js';
import { fleetFor, writeFeedFile } from './support/feed.js';
import { runFileIngest } from './support/file-ingest.js';
import { log } from './support/log.js';
import { round, runBench } from './support/output.js';
import { checkpoint, createBenchDatabase } from './support/pg.js';
import { FLAT_RSS_GROWTH, TARGETS } from './support/targets.js';

const T = TARGETS.ingestFile;

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const minMessages = Number(values.messages);
if (!Number.isInteger(minMessages) || minMessages < 1) {
  process.stderr.write('--messages must be a whole number ≥ 1\n');
  process.exit(2);
}

await runBench('ingest-file', async () => {
  buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'deloton-bench-'));
  onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const feedPath = join(dir, 'feed.jsonl');

  log(`generating at least ${minMessages} messages into ${feedPath}`);
  const genStarted = performance.now();
  const feed = await writeFeedFile(feedPath, fleetFor(minMessages, 2));
  const generateSeconds = (performance.now() - genStarted) / 1000;
  log(
    `generated ${feed.messages} messages (${feed.telemetry} telemetry, ${feed.rides} rides, ` +
      `${Math.round(feed.bytes / 2 ** 20)} MiB) in ${generateSeconds.toFixed(1)} s`,
  );

  const pgUrl = await createBenchDatabase('file');
  await checkpoint();
  const pgRun = await runFileIngest(feedPath, feed, { kind: 'postgres', url: pgUrl }, dir);

  log(`bare COPY of ${pgRun.readings} readings-shaped rows`);
  const copyUrl = await createBenchDatabase('copy');
  await checkpoint();
  const bareCopyRowsPerSec = await bareCopyRate(copyUrl, pgRun.readings);
  log(`bare COPY: ${Math.round(bareCopyRowsPerSec)} rows/s`);
  const shareOfCopy = pgRun.readingsPerSec / bareCopyRowsPerSec;

  const pglite = values['skip-pglite']
    ? null
    : await runFileIngest(feedPath, feed, { kind: 'pglite', dataDir: join(dir, 'pglite') }, dir);

  return {
    messages: feed.messages,
    readings: pgRun.readings,
    feedMb: round(feed.bytes / 2 ** 20),
    generateSeconds: round(generateSeconds),
    generateMsgPerSec: round(feed.messages / generateSeconds),
    pg: {
      msgPerSec: pgRun.msgPerSec,
      e2eMsgPerSec: round(pgRun.e2eMsgPerSec),
      readingsPerSec: round(pgRun.readingsPerSec),
      pipelineSeconds: round(pgRun.pipelineSeconds),
      wallSeconds: round(pgRun.wallSeconds),
      maxRssMb: pgRun.maxRssMb,
      rssFirstHalfMb: pgRun.rssFirstHalfMb,
      rssSecondHalfMb: pgRun.rssSecondHalfMb,
    },
    bareCopyRowsPerSec: round(bareCopyRowsPerSec),
    shareOfCopy: round(shareOfCopy),
    pglite: pglite && {
      msgPerSec: pglite.msgPerSec,
      e2eMsgPerSec: round(pglite.e2eMsgPerSec),
      wallSeconds: round(pglite.wallSeconds),
      maxRssMb: pglite.maxRssMb,
    },
    targets: T,
    pass: {
      dataIntact: true, // runFileIngest throws (exit 1) otherwise
      pgMsgPerSec: pgRun.msgPerSec >= T.pgMsgPerSec,
      maxRssMb: pgRun.maxRssMb <= T.maxRssMb,
      rssFlat: pgRun.rssSecondHalfMb <= pgRun.rssFirstHalfMb * FLAT_RSS_GROWTH,
      shareOfCopy: shareOfCopy >= T.shareOfCopy,
      pgliteMsgPerSec: pglite ? pglite.msgPerSec >= T.pgliteMsgPerSec : null,
    },
  };
});
