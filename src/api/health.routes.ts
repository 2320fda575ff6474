import type { FastifyInstance } from 'fastify';
import type { AlertMailSettings } from '../mail/alert-mail.js';
import { analyticsBacklog } from '../store/analytics-refresh.repository.js';
import { pingDatabase, type Db } from '../store/db.js';
import { replayLagSeconds } from '../store/replica-status.js';
import type { BacklogSource } from './backlog-metrics.js';
import type { IngestFigures, LiveFigures, MailFigures, Metrics, ReportFigures } from './metrics.js';
import { codesOnly } from './presenters.js';
import { HealthBody } from './health-schemas.js';

/** What `/health` reports besides the database: the lanes running in this process. */
export interface HealthSources {
  readonly db: Db;
  /** Where reads go: a replica, or `db` itself (then /health reports no replica). */
  readonly readDb: Db;
  readonly ingest?: (() => (IngestFigures & { lastError: string | null }) | null) | undefined;
  /** Per-partition backlog of the stream this process ingests (Kafka). */
  readonly ingestBacklog?: BacklogSource | undefined;
  readonly mail?: (() => MailFigures | null) | undefined;
  readonly live?: (() => LiveFigures | null) | undefined;
  readonly reportSchedule?: (() => ReportFigures | null) | undefined;
  /** How the installation sends alert mails (SMTP, or the outbox only). */
  readonly alertMail: AlertMailSettings;
}

/** `/health` (liveness and database reachability) and `/metrics` (Prometheus); no key needed. */
export function healthRoutes(app: FastifyInstance, src: HealthSources, metrics: Metrics): void {
  app.get('/health', {
    schema: {
      summary: 'Liveness and database reachability (503 when degraded)',
      tags: ['operations'],
      security: [],
      response: {
        200: HealthBody.describe('all is well'),
        503: HealthBody.describe(
          'degraded: the database or its read replica is unreachable, or ingest is failing',
        ),
      },
    },
    handler: async (_req, reply) => {
      const database = (await pingDatabase(src.db)) ? 'ok' : 'unreachable';
      const readDatabase = src.readDb === src.db ? null : await replicaHealth(src.readDb);
      const ingest = src.ingest?.() ?? null;
      const mail = src.mail?.() ?? null;
      const live = src.live?.() ?? null;
      const reports = src.reportSchedule?.() ?? null;
      const pendingDays =
        database === 'ok' ? await analyticsBacklog(src.db).catch(() => null) : null;
      // Without its replica this process answers no read route: as degraded as without the primary.
      const ok = database === 'ok' && readDatabase?.status !== 'unreachable' && !ingest?.lastError;
      return reply.code(ok ? 200 : 503).send({
        status: ok ? 'ok' : 'degraded',
        database: { kind: src.db.kind, status: database },
        readDatabase,
        ingest: ingest && {
          messages: ingest.messages,
          readings: ingest.readings,
          rejects: ingest.rejects,
          lastCommitAt: ingest.lastCommitAtMs && new Date(ingest.lastCommitAtMs).toISOString(),
          lastError: ingest.lastError,
        },
        // null: no SMTP_URL, alert mails wait in the outbox. No key is needed here, and a mail
        // server's refusal may quote the recipient: only its status codes are shown.
        alertMail: mail && {
          sent: mail.sent,
          failed: mail.failed,
          retried: mail.retried,
          lastError: mail.lastError && codesOnly(mail.lastError),
        },
        // From the configuration, so that a `serve` process, which sends nothing itself, can
        // still tell the dashboard whether mails go out or wait in the outbox.
        mailDelivery: src.alertMail.delivery,
        live: live && { rides: live.rides, browsers: live.subscribers, dropped: live.dropped },
        reports: reports && {
          built: reports.built,
          sent: reports.sent,
          failed: reports.failed,
          retried: reports.retried,
          lastDay: reports.lastDay,
          nextRunAt: reports.nextRunAt,
          lastError: reports.lastError && codesOnly(reports.lastError),
        },
        analytics: pendingDays === null ? null : { pendingDays },
      });
    },
  });
  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics: ingest, alerts, feed lag, HTTP latency',
      tags: ['operations'],
      security: [],
    },
    handler: async (_req, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.render()),
  });
}

/** The replica's reachability and replay lag, in one round trip. */
async function replicaHealth(
  db: Db,
): Promise<{ status: 'ok' | 'unreachable'; replayLagS: number | null }> {
  try {
    return { status: 'ok', replayLagS: await replayLagSeconds(db) };
  } catch {
    return { status: 'unreachable', replayLagS: null };
  }
}
