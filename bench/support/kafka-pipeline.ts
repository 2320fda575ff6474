// The real pipeline on the Kafka source, in-process, timed the way the bare consumer is: from the
// first chunk the source hands over to the last commit (the idle wait at the end is not counted).
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/app/logger.js';
import { loadConfig } from '../../src/config.js';
import { createKafkaSource } from '../../src/ingest/kafka-source.js';
import { runPipeline, type PipelineStats } from '../../src/ingest/pipeline.js';
import type { Source, SourceMessage } from '../../src/ingest/source.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgDb } from '../../src/store/pg-db.js';
import type { Db } from '../../src/store/db.js';
import { onCleanup } from './cleanup.js';
import { SESSION_TIMEOUT_MS } from './kafka.js';
import { log } from './log.js';
import { BenchFailure } from './output.js';

export interface KafkaPipelineRun {
  readonly stats: PipelineStats;
  readonly msgPerSec: number;
  readonly seconds: number;
  readonly db: Db;
}

/** Passes a source through, noting when its first non-empty chunk arrived. */
function stampFirstChunk(source: Source, onFirst: () => void): Source {
  async function* read(it: AsyncIterable<readonly SourceMessage[]>) {
    let seen = false;
    for await (const chunk of it) {
      if (!seen && chunk.length > 0) {
        seen = true;
        onFirst();
      }
      yield chunk;
    }
  }
  return {
    name: source.name,
    read: (load, signal) => read(source.read(load, signal)),
    committed: (positions) => source.committed?.(positions) ?? Promise.resolve(),
    close: () => source.close(),
  };
}

/** Runs the pipeline from `topic` into a migrated database at `url` until the topic is idle. */
export async function runKafkaPipeline(
  brokers: string,
  topic: string,
  url: string,
): Promise<KafkaPipelineRun> {
  // The product's defaults (batch size and wait, feed zone), not the environment of whoever runs this.
  const config = loadConfig({});
  const logger = createLogger('warn', 'bench');
  const db = openPgDb(url);
  onCleanup('close pipeline database', () => db.close());
  await migrate(db);
  const abort = new AbortController();
  const kafka = createKafkaSource({
    brokers: [brokers],
    topic,
    groupId: `bench-ours-${randomBytes(4).toString('hex')}`,
    ssl: false,
    untilIdle: { idleMs: 3000 },
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    logger,
  });
  onCleanup('stop pipeline', async () => {
    abort.abort();
    await kafka.close();
  });
  let firstAt = 0;
  let lastCommitAt = 0;
  const source = stampFirstChunk(kafka, () => (firstAt = performance.now()));
  const stats = await runPipeline({
    db,
    source,
    feedTimeZone: config.feedTimeZone,
    maxBatchMessages: config.ingest.batchMessages,
    maxBatchWaitMs: config.ingest.batchWaitMs,
    logger,
    signal: abort.signal,
    onCommit: () => (lastCommitAt = performance.now()),
  });
  await kafka.close();
  if (firstAt === 0 || lastCommitAt === 0) throw new BenchFailure('the pipeline read nothing');
  const seconds = (lastCommitAt - firstAt) / 1000;
  log(`pipeline: ${stats.messages} messages in ${seconds.toFixed(2)} s (${stats.batches} batches)`);
  return { stats, msgPerSec: stats.messages / seconds, seconds, db };
}
