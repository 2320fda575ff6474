// One measured `deloton ingest --source file:PATH --until-idle` run, and the checks that every
// message of the file arrived: figures from a run that lost data are worthless.
import { join } from 'node:path';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import type { Db } from '../../src/store/db.js';
import { logLine, numberField, runCli } from './cli-run.js';
import type { FeedCounts } from './feed.js';
import { log } from './log.js';
import { assertCounts } from './verify.js';

export type Target =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

export interface FileIngestFigures {
  /** The pipeline's own rate, from its "ingest finished" log line. */
  readonly msgPerSec: number;
  /** Messages over the whole process life: start, database open and migration included. */
  readonly e2eMsgPerSec: number;
  readonly readingsPerSec: number;
  readonly readings: number;
  readonly pipelineSeconds: number;
  readonly wallSeconds: number;
  readonly maxRssMb: number;
  readonly rssFirstHalfMb: number;
  readonly rssSecondHalfMb: number;
}

/** Runs the CLI on the file into the target, checks the stored rows, and returns the figures. */
export async function runFileIngest(
  feedPath: string,
  feed: FeedCounts,
  target: Target,
  cwd: string,
): Promise<FileIngestFigures> {
  log(`file → ${target.kind}: deloton ingest --source file:${feedPath} --until-idle`);
  // Empty means unset to the CLI, so an operator's DATABASE_URL cannot redirect the PGlite run.
  const env: Record<string, string> =
    target.kind === 'postgres'
      ? { DATABASE_URL: target.url, LOG_LEVEL: 'info' }
      : { DATABASE_URL: '', DATA_DIR: target.dataDir, LOG_LEVEL: 'info' };
  const run = await runCli(['ingest', '--source', `file:${feedPath}`, '--until-idle'], env, cwd);

  const starting = logLine(run, 'ingest starting');
  const finished = logLine(run, 'ingest finished');
  const messages = numberField(finished, 'messages');
  const readings = numberField(finished, 'readings');
  const rejects = numberField(finished, 'rejects');
  const pipelineSeconds = (numberField(finished, 'time') - numberField(starting, 'time')) / 1000;
  assertCounts(
    `file → ${target.kind} (its log)`,
    { messages, readings, rejects },
    {
      messages: feed.messages,
      readings: feed.telemetry,
      rejects: 0,
    },
  );
  await verifyStored(target, feed);

  const figures: FileIngestFigures = {
    msgPerSec: numberField(finished, 'perSecond'),
    e2eMsgPerSec: messages / (run.wallMs / 1000),
    readingsPerSec: readings / pipelineSeconds,
    readings,
    pipelineSeconds,
    wallSeconds: run.wallMs / 1000,
    maxRssMb: run.maxRssMb,
    rssFirstHalfMb: run.rssFirstHalfMb,
    rssSecondHalfMb: run.rssSecondHalfMb,
  };
  log(`file → ${target.kind}: ${JSON.stringify(figures)}`);
  return figures;
}

/** Counts what the database holds against what the file held. */
async function verifyStored(target: Target, feed: FeedCounts): Promise<void> {
  const db: Db =
    target.kind === 'postgres'
      ? openPgDb(target.url)
      : await openPgliteDb(join(target.dataDir, 'pgdata'));
  try {
    const [row] = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM readings) AS readings,
              (SELECT count(*) FROM readings WHERE heart_rate IS NULL) AS incomplete,
              (SELECT count(*) FROM rides) AS rides,
              (SELECT count(*) FROM rejected_messages) AS rejects,
              (SELECT max(position) FROM source_offsets) AS position`,
    );
    const want = {
      readings: feed.telemetry,
      // Every Ride line of a finished ride got its Telemetry line.
      incomplete: 0,
      rides: feed.rides,
      rejects: 0,
      // The stored position is the byte after the last line: the whole file was committed.
      position: feed.bytes,
    };
    assertCounts(`file → ${target.kind} (stored rows)`, row, want);
    log(`${target.kind}: stored rows check out (${feed.telemetry} readings, ${feed.rides} rides)`);
  } finally {
    await db.close();
  }
}
