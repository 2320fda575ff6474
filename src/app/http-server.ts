import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { MailWorkerStats } from '../alerts/mail-worker.js';
import type { ReportSchedulerStats } from '../reports/report-scheduler.js';
import { registerApi } from '../api/api-plugin.js';
import { stillHolds } from '../api/auth.js';
import { OUTBOX_ONLY, type AlertMailSettings } from '../mail/alert-mail.js';
import { frameworkErrors } from '../api/error-handler.js';
import { answerClientError } from '../api/protocol-errors.js';
import type { SessionLifetime } from '../api/session-cache.js';
import type { ReportPdfs } from '../api/api-deps.js';
import type { PipelineStats } from '../ingest/pipeline.js';
import type { PartitionBacklog } from '../ingest/source.js';
import type { Db } from '../store/db.js';
import { LiveHub } from '../live/live-hub.js';
import { liveRoutes } from '../live/live-routes.js';
import { dashboardRoutes } from './dashboard-assets.js';
import { alertMailSettings } from './mail-service.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The schedule of a server told none (tests): REPORT_CRON's default. */
const DEFAULT_REPORT_CRON = '0 7 * * *';

/** A ride heard from within this window is being ridden: the API refuses to delete it. */
const ACTIVE_RIDE_WINDOW_S = 120;

/** The HTTP server's settings from the configuration, as `start` and `serve` both pass them. */
export function httpSettings(config: Config): {
  displayTimeZone: string;
  rateLimitPerMinute: number | null;
  trustProxy: boolean | string;
  alertMail: AlertMailSettings;
  reportCron: string;
} {
  return {
    displayTimeZone: config.displayTimeZone,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    trustProxy: config.api.trustProxy,
    alertMail: alertMailSettings(config),
    reportCron: config.reports.cron,
  };
}

/** Builds the HTTP server of `start` and `serve`: the staff API, its docs, health and metrics. */
export async function buildHttpServer(opts: {
  /** The primary: writes, keys and sessions, the live hub's LISTEN. */
  db: Db;
  /** Where the API's read routes read (a replica; the primary without it). */
  readDb?: Db;
  logger: Logger;
  displayTimeZone: string;
  rateLimitPerMinute: number | null;
  /** Fastify's `trustProxy`: behind a load balancer, whose X-Forwarded-For names the client. */
  trustProxy?: boolean | string;
  ingestStats?: () => PipelineStats | null;
  /** Per-partition backlog of the stream this process ingests (Kafka only). */
  ingestBacklog?: (() => Promise<readonly PartitionBacklog[]>) | undefined;
  mailStats?: () => MailWorkerStats | null;
  reportStats?: () => ReportSchedulerStats | null;
  /** How alert mails are sent (the outbox only without it). */
  alertMail?: AlertMailSettings;
  now?: () => number;
  /** How long browser sessions last (12 h unused, 7 days at most, without it). */
  sessionLifetime?: SessionLifetime;
  /** Builds report PDFs for `/api/reports` (none without it: only stored ones are served). */
  reports?: ReportPdfs;
  /** REPORT_CRON (the default schedule without it). */
  reportCron?: string;
}): Promise<FastifyInstance> {
  // Per-request lines at info would drown the rest; warnings and errors still show.
  const level = opts.logger.levelVal > opts.logger.levels.values.warn! ? opts.logger.level : 'warn';
  const logger: FastifyBaseLogger = opts.logger.child({ lane: 'http' }, { level });
  const app = Fastify({
    loggerInstance: logger,
    frameworkErrors,
    clientErrorHandler: answerClientError(logger),
    // Node's Host check answers with an empty body, and Fastify's 503 while closing with a body
    // of its own: installProtocolChecks answers both in the API's error shape instead.
    http: { requireHostHeader: false },
    return503OnClosing: false,
    trustProxy: opts.trustProxy ?? false,
  });
  const hub = new LiveHub({ db: opts.db, logger: opts.logger.child({ lane: 'live' }) });
  const { keys, creds } = await registerApi(app, {
    live: () => hub.stats(),
    db: opts.db,
    readDb: opts.readDb ?? opts.db,
    version: VERSION,
    displayTimeZone: opts.displayTimeZone,
    now: opts.now ?? Date.now,
    activeRideWindowS: ACTIVE_RIDE_WINDOW_S,
    audit: opts.logger.child({ lane: 'api' }),
    rateLimitPerMinute: opts.rateLimitPerMinute,
    ingest: opts.ingestStats,
    ingestBacklog: opts.ingestBacklog,
    mail: opts.mailStats,
    reportSchedule: opts.reportStats,
    ...(opts.sessionLifetime ? { sessionLifetime: opts.sessionLifetime } : {}),
    alertMail: opts.alertMail ?? OUTBOX_ONLY,
    reports: opts.reports ?? null,
    reportCron: opts.reportCron ?? DEFAULT_REPORT_CRON,
  });
  await keys.start();
  app.addHook('onClose', async () => keys.stop());
  await hub.start();
  // Streams never end on their own: the hub closes them before the server waits for its connections.
  app.addHook('preClose', async () => hub.stop());
  liveRoutes(app, hub, (req) => stillHolds(req, creds));
  // A revoked key or an ended session closes its open streams at once.
  keys.alsoEmpty({ invalidate: () => void hub.recheckAll() });
  dashboardRoutes(app, { displayTimeZone: opts.displayTimeZone });
  return app;
}
