import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DelotonError } from './domain/errors.js';
import { isValidTimeZone } from './domain/feed-time.js';
import { checkCron } from './domain/report-schedule.js';
import { isListenHost, isSmtpUrl, parseTrustProxy } from './config/values.js';

export { isListenHost } from './config/values.js';
import type { Config } from './config/config-shape.js';

export type { Config } from './config/config-shape.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

// A duration as "300" (seconds), "90s", "5m", "1h" or "30d", in milliseconds.
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const duration = z
  .string()
  .regex(/^\d+(s|m|h|d)?$/, 'must be a duration such as 300, 90s, 5m, 1h or 30d')
  .transform((v) => parseInt(v, 10) * (UNIT_MS[v.replace(/^\d+/, '')] ?? 1_000));

const pgUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const Env = z
  .object({
    DATABASE_URL: pgUrl.optional(),
    // A streaming replica of DATABASE_URL for the API's, the reports' and BI's reads.
    DATABASE_READ_URL: pgUrl.optional(),
    DATABASE_PREPARED_STATEMENTS: bool.optional(),
    DATA_DIR: z.string().min(1).default('./.deloton'),
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]')
      .refine(
        (v) => v.split(',').every((b) => Number(b.slice(b.lastIndexOf(':') + 1)) <= 65_535),
        'has a port above 65535',
      )
      .optional(),
    KAFKA_TOPIC: z.string().min(1).default('deloton'),
    KAFKA_GROUP_ID: z.string().min(1).default('deloton-ingest'),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    KAFKA_SSL: bool.optional(),
    // A dead member's bikes wait this long before the group hands them on (docs/operations.md).
    KAFKA_SESSION_TIMEOUT: duration
      .refine(
        (ms) => ms >= 6_000 && ms <= 300_000,
        'must be between 6s and 300s (the brokers refuse others by default)',
      )
      .default(7_000),
    FEED_TIMEZONE: z
      .string()
      .default('UTC')
      .refine(isValidTimeZone, 'must be an IANA time zone such as UTC or Europe/London'),
    // Loopback by default: a laptop's first admin key is printed on start and must not be
    // reachable from the network; containers and servers set 0.0.0.0 (or ::).
    HOST: z
      .string()
      .default('127.0.0.1')
      .refine(
        isListenHost,
        'must be an IP address or a host name to listen on, such as 127.0.0.1, 0.0.0.0, :: or localhost',
      ),
    PORT: int(0, 65_535).default(3000),
    // /health and /metrics of the roles without an HTTP server (ingest, alerts, reports).
    METRICS_PORT: int(0, 65_535).optional(),
    // The embedded database's read-only PostgreSQL socket for BI tools, offered by `start`.
    BI_PORT: int(0, 65_535).optional(),
    BI_HOST: z
      .string()
      .default('127.0.0.1')
      .refine(
        isListenHost,
        'must be an IP address or a host name to listen on, such as 127.0.0.1, 0.0.0.0, :: or localhost',
      ),
    LOG_LEVEL: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      .default('info'),
    INGEST_BATCH_MESSAGES: int(1, 1_000_000).default(20_000),
    INGEST_BATCH_WAIT_MS: int(1, 60_000).default(100),
    REJECTED_RETENTION: duration
      .refine((ms) => ms <= 36_500 * 86_400_000, 'must be at most 36500d (or 0: for ever)')
      .default(30 * 86_400_000),
    // Unset (or 0): readings are kept for ever.
    READINGS_RETENTION: duration
      .refine((ms) => ms <= 36_500 * 86_400_000, 'must be at most 36500d (or 0: for ever)')
      .optional(),
    ALERT_MAX_HR_FORMULA: z
      .enum(['gulati-tanaka', 'fox'], { message: 'must be gulati-tanaka or fox' })
      .default('gulati-tanaka'),
    ALERT_LOW_BPM: int(1, 200).default(40),
    ALERT_SUSTAIN_READINGS: int(1, 3_600).default(3),
    ALERT_COOLDOWN: duration.default(5 * 60_000),
    ALERT_CC: z.email({ message: 'must be an email address' }).optional(),
    SMTP_URL: z
      .string()
      .refine(isSmtpUrl, 'must be smtp://[user:pass@]host[:port] or smtps://... (port 1-65535)')
      .optional(),
    MAIL_FROM: z
      .string()
      .regex(
        /^([^<>]*<)?[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+>?$/,
        'must be an address: a@b.c or Name <a@b.c>',
      )
      .optional(),
    ALERT_MAX_AGE: duration.default(15 * 60_000),
    API_RATE_LIMIT: int(0, 1_000_000).default(1_200),
    TRUST_PROXY: z
      .string()
      .regex(
        /^(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/,
        'must be true, false, or the proxies as addresses/CIDRs separated by commas',
      )
      .optional(),
    DISPLAY_TIMEZONE: z
      .string()
      .default('Europe/London')
      .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/London'),
    ANALYTICS_REFRESH: duration
      .refine((ms) => ms >= 1_000 && ms <= 86_400_000, 'must be from 1s to 1d')
      .default(5_000),
    REPORT_CRON: z.string().trim().default('0 7 * * *'),
    REPORT_RECIPIENTS: z
      .string()
      .transform((v) => v.split(',').map((a) => a.trim()))
      .pipe(
        z.array(z.email({ message: 'must be email addresses separated by commas' })).max(50, {
          message: 'must list at most 50 addresses',
        }),
      )
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.DATABASE_READ_URL && !e.DATABASE_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_READ_URL'],
        message:
          'needs DATABASE_URL: a read replica is of a PostgreSQL server, and the embedded database (PGlite) has none',
      });
    if (e.SMTP_URL && !e.MAIL_FROM)
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'must be set with SMTP_URL: the sender address the mail server accepts',
      });
    // The schedule runs in the display zone: checked with it, by the library that runs it.
    const cronProblem = checkCron(e.REPORT_CRON, e.DISPLAY_TIMEZONE);
    if (cronProblem !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['REPORT_CRON'],
        message: `must be a 5-field cron expression such as "0 7 * * *" (${cronProblem})`,
      });
    if (e.BI_PORT !== undefined && e.BI_PORT !== 0 && e.BI_PORT === e.PORT)
      ctx.addIssue({
        code: 'custom',
        path: ['BI_PORT'],
        message: 'must differ from PORT (the HTTP server listens there)',
      });
    if (Boolean(e.KAFKA_SASL_USERNAME) !== Boolean(e.KAFKA_SASL_PASSWORD))
      ctx.addIssue({
        code: 'custom',
        path: [e.KAFKA_SASL_USERNAME ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME'],
        message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together',
      });
  });

/** Every environment variable the platform reads (the schema's keys), to check deployment files. */
export const ENV_VARIABLES: readonly string[] = Object.freeze(Object.keys(Env.shape));

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnv(cwd = process.cwd()): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

/** Validates the environment into a frozen Config; every bad variable is named in the error. */
export function loadConfig(env: Record<string, string | undefined> = readEnv()): Config {
  // Empty values mean unset, as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const r = Env.safeParse(present);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new DelotonError('config_invalid', `invalid configuration:\n${lines.join('\n')}`);
  }
  const e = r.data;
  const sasl =
    e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD
      ? { username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD }
      : null;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL ?? null,
    databaseReadUrl: e.DATABASE_READ_URL ?? null,
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? true,
    dataDir: resolve(e.DATA_DIR),
    kafka: Object.freeze({
      brokers: e.KAFKA_BROKERS ? e.KAFKA_BROKERS.split(',') : [],
      topic: e.KAFKA_TOPIC,
      groupId: e.KAFKA_GROUP_ID,
      sasl,
      // Production's SASL/PLAIN is only safe over TLS, so SASL implies SSL unless told otherwise.
      ssl: e.KAFKA_SSL ?? sasl !== null,
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT,
    }),
    feedTimeZone: e.FEED_TIMEZONE,
    host: e.HOST,
    port: e.PORT,
    metricsPort: e.METRICS_PORT ?? null,
    bi: Object.freeze({ port: e.BI_PORT ?? null, host: e.BI_HOST }),
    logLevel: e.LOG_LEVEL,
    ingest: Object.freeze({
      batchMessages: e.INGEST_BATCH_MESSAGES,
      batchWaitMs: e.INGEST_BATCH_WAIT_MS,
      rejectedRetentionMs: e.REJECTED_RETENTION === 0 ? null : e.REJECTED_RETENTION,
      readingsRetentionMs: e.READINGS_RETENTION ? e.READINGS_RETENTION : null,
    }),
    mail: Object.freeze({
      smtpUrl: e.SMTP_URL ?? null,
      from: e.MAIL_FROM ?? 'Deloton <alerts@deloton.invalid>',
      alertCc: e.ALERT_CC ?? null,
      alertMaxAgeMs: e.ALERT_MAX_AGE === 0 ? null : e.ALERT_MAX_AGE,
    }),
    displayTimeZone: e.DISPLAY_TIMEZONE,
    analyticsRefreshMs: e.ANALYTICS_REFRESH,
    reports: Object.freeze({
      cron: e.REPORT_CRON,
      recipients: Object.freeze([...new Set(e.REPORT_RECIPIENTS ?? [])]),
    }),
    api: Object.freeze({
      rateLimitPerMinute: e.API_RATE_LIMIT === 0 ? null : e.API_RATE_LIMIT,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
    }),
    alerts: Object.freeze({
      formula: e.ALERT_MAX_HR_FORMULA,
      lowBpm: e.ALERT_LOW_BPM,
      sustainReadings: e.ALERT_SUSTAIN_READINGS,
      cooldownMs: e.ALERT_COOLDOWN,
    }),
  });
}
