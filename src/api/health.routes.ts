import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { pingDatabase, type Db } from '../store/db.js';
import type { IngestFigures, MailFigures } from './metrics.js';

/** What `/health` reports besides the database: the lanes running in this process. */
export interface HealthSources {
  readonly db: Db;
  readonly ingest?: (() => (IngestFigures & { lastError: string | null }) | null) | undefined;
  readonly mail?: (() => MailFigures | null) | undefined;
}

/** `/health` (liveness and database reachability) and `/metrics` (Prometheus); no key needed. */
export function healthRoutes(app: FastifyInstance, src: HealthSources, registry: Registry): void {
  app.get('/health', {
    schema: {
      summary: 'Liveness and database reachability (503 when degraded)',
      tags: ['operations'],
      security: [],
    },
    handler: async (_req, reply) => {
      const database = (await pingDatabase(src.db)) ? 'ok' : 'unreachable';
      const ingest = src.ingest?.() ?? null;
      const mail = src.mail?.() ?? null;
      const ok = database === 'ok' && !ingest?.lastError;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        database: { kind: src.db.kind, status: database },
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
    },
  });
  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics: ingest, alerts, feed lag, HTTP latency',
      tags: ['operations'],
      security: [],
    },
    handler: async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });
}
