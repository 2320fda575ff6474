import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULT_ALERT_SETTINGS } from '../../src/domain/heart-rate.js';
import { createFileSource } from '../../src/ingest/file-source.js';
import { runPipeline, type PipelineStats } from '../../src/ingest/pipeline.js';
import type { Db } from '../../src/store/db.js';

/** Recorded production messages, copied from the workspace's shared/fixtures so tests stand alone. */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'real-feed');
export const FIRST_1000 = join(FIXTURES, 'topic-offset0-first1000.jsonl');
export const LIVE_21 = join(FIXTURES, 'live-2022-10-05-21msgs.jsonl');

export const silent = pino({ level: 'silent' });

/** Ingests a file to its end through the real file source and pipeline. */
export function ingestFile(
  db: Db,
  path: string,
  opts: { maxBatch?: number; zone?: string } = {},
): Promise<PipelineStats> {
  return runPipeline({
    db,
    source: createFileSource({ path, untilIdle: true }),
    feedTimeZone: opts.zone ?? 'UTC',
    maxBatchMessages: opts.maxBatch ?? 5_000,
    maxBatchWaitMs: 100,
    logger: silent,
    signal: new AbortController().signal,
    alerts: DEFAULT_ALERT_SETTINGS,
  });
}

/** Writes lines to a fresh temporary file and returns its path. */
export function tempFile(lines: readonly string[], name = 'feed.jsonl'): string {
  const dir = mkdtempSync(join(tmpdir(), 'deloton-test-'));
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

/** A feed line wrapped in the production envelope. */
export const envelope = (line: string): string => JSON.stringify({ log: `${line}\n` });
