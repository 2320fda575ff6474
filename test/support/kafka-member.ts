// One consumer-group member of the ingest pipeline as a process of its own, so that a test can
// pause it (SIGSTOP) past its session timeout. Usage: node --import tsx kafka-member.ts '<json>'
// with { brokers, topic, groupId, dbUrl, sessionTimeoutMs, idleMs }. Logs JSON lines on stdout;
// the last one is {"msg":"member finished", ...stats}.
import pino from 'pino';
import { DEFAULT_ALERT_SETTINGS } from '../../src/domain/heart-rate.js';
import { createKafkaSource } from '../../src/ingest/kafka-source.js';
import { runPipeline } from '../../src/ingest/pipeline.js';
import { openPgDb } from '../../src/store/pg-db.js';

interface MemberArgs {
  brokers: string;
  topic: string;
  groupId: string;
  dbUrl: string;
  sessionTimeoutMs: number;
  idleMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as MemberArgs;
const logger = pino({ level: 'info' });
const db = openPgDb(args.dbUrl);
const source = createKafkaSource({
  brokers: [args.brokers],
  topic: args.topic,
  groupId: args.groupId,
  ssl: false,
  untilIdle: { idleMs: args.idleMs },
  sessionTimeoutMs: args.sessionTimeoutMs,
  logger,
});
try {
  const stats = await runPipeline({
    db,
    source,
    feedTimeZone: 'UTC',
    maxBatchMessages: 500,
    maxBatchWaitMs: 50,
    alerts: DEFAULT_ALERT_SETTINGS,
    logger,
    signal: new AbortController().signal,
  });
  logger.info({ ...stats }, 'member finished');
} catch (e) {
  logger.error({ err: (e as Error).message }, 'member failed');
  process.exitCode = 1;
} finally {
  await source.close();
  await db.close();
}
