import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MailWorkerStats } from '../alerts/mail-worker.js';
import type { PipelineStats } from '../ingest/pipeline.js';
import { pingDatabase, type Db } from '../store/db.js';

/** Builds the HTTP server of `deloton start` (health now; API and dashboard join it later). */
export function buildHttpServer(opts: {
  db: Db;
  logger: Logger;
  ingestStats?: () => PipelineStats | null;
  mailStats?: () => MailWorkerStats | null;
}): FastifyInstance {
  // Per-request lines at info would drown the rest; warnings and errors still show.
  const logger: FastifyBaseLogger = opts.logger.child({ lane: 'http' }, { level: 'warn' });
  const app = Fastify({
    loggerInstance: logger,
  });
  app.get('/health', async (_req, reply) => {
    const database = (await pingDatabase(opts.db)) ? 'ok' : 'unreachable';
    const ingest = opts.ingestStats?.() ?? null;
    const mail = opts.mailStats?.() ?? null;
    const ok = database === 'ok' && !ingest?.lastError;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      database: { kind: opts.db.kind, status: database },
      ingest: ingest && {
        messages: ingest.messages,
        readings: ingest.readings,
        rejects: ingest.rejects,
        lastCommitAt: ingest.lastCommitAtMs && new Date(ingest.lastCommitAtMs).toISOString(),
        lastError: ingest.lastError,
      },
      // null: no SMTP_URL, alert mails wait in the outbox.
      alertMail: mail && { ...mail },
    });
  });
  return app;
}
