// The body of /health: what each lane of this process reports about itself.
import { z } from 'zod';

export const HealthBody = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    database: z.strictObject({
      kind: z.enum(['postgres', 'pglite']),
      status: z.enum(['ok', 'unreachable']),
    }),
    readDatabase: z
      .strictObject({
        status: z.enum(['ok', 'unreachable']),
        replayLagS: z
          .number()
          .nullable()
          .describe(
            "seconds the replica's replay is behind the primary (0 when it has replayed all it received); null when it is no streaming replica or unreachable",
          ),
      })
      .nullable()
      .describe('the read replica (DATABASE_READ_URL); null when reads go to the primary'),
    ingest: z
      .strictObject({
        messages: z.number().int(),
        readings: z.number().int(),
        rejects: z.number().int(),
        lastCommitAt: z.string().nullable(),
        lastError: z.string().nullable(),
      })
      .nullable()
      .describe('null when this process does not ingest'),
    alertMail: z
      .strictObject({
        sent: z.number().int(),
        failed: z.number().int(),
        retried: z.number().int(),
        lastError: z.string().nullable().describe('SMTP status codes only'),
      })
      .nullable()
      .describe('null when this process sends no mail (no SMTP_URL)'),
    mailDelivery: z
      .enum(['smtp', 'outbox'])
      .describe(
        'smtp: SMTP_URL is set, and mail workers send alert mails; outbox: no mail server, alert mails wait in the outbox (GET /api/alerts/{id}/mail reads one)',
      ),
    live: z
      .strictObject({
        rides: z.number().int().describe('rides being ridden, as this process shows them'),
        browsers: z.number().int().describe('browsers watching the live stream of this process'),
        dropped: z.number().int().describe('browsers dropped for not keeping up, since start'),
      })
      .nullable()
      .describe('the live dashboard of this process'),
    reports: z
      .strictObject({
        built: z.number().int(),
        sent: z.number().int(),
        failed: z.number().int(),
        retried: z.number().int(),
        lastDay: z.string().nullable().describe('the last day this process built a report of'),
        nextRunAt: z.string().nullable().describe("the schedule's next run (REPORT_CRON)"),
        lastError: z.string().nullable().describe('SMTP status codes only'),
      })
      .nullable()
      .describe('the daily report schedule, when this process runs it'),
    analytics: z
      .strictObject({
        pendingDays: z
          .number()
          .int()
          .describe('days whose BI figures wait to be recomputed (ANALYTICS_REFRESH)'),
      })
      .nullable()
      .describe('the BI schema (all processes); null when the database is unreachable'),
  })
  .meta({ id: 'Health' });
