// The validated configuration's shape: what the roles read, in their terms (src/config.ts makes it
// from the environment).
import type { AlertSettings } from '../domain/heart-rate.js';

/** The platform's settings, validated once at start. */
export interface Config {
  readonly databaseUrl: string | null;
  /** A replica of databaseUrl that serves reads (null: reads go to the primary). */
  readonly databaseReadUrl: string | null;
  /** Prepare statements on PostgreSQL (off behind a pooler that cannot keep them). */
  readonly preparedStatements: boolean;
  readonly dataDir: string;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly groupId: string;
    readonly sasl: { readonly username: string; readonly password: string } | null;
    readonly ssl: boolean;
    /** How long a silent group member keeps its partitions (KAFKA_SESSION_TIMEOUT). */
    readonly sessionTimeoutMs: number;
  };
  readonly feedTimeZone: string;
  /** Address the HTTP server of `start` and `serve` listens on. */
  readonly host: string;
  readonly port: number;
  /** Port of /health and /metrics in `ingest`, `alerts` and `reports` (null: none). */
  readonly metricsPort: number | null;
  readonly bi: {
    /** Port of the embedded database's read-only PostgreSQL socket in `start` (null: none). */
    readonly port: number | null;
    /** Address it listens on (any user and password are accepted: keep it on loopback). */
    readonly host: string;
  };
  readonly logLevel: string;
  readonly ingest: {
    readonly batchMessages: number;
    readonly batchWaitMs: number;
    /** Rejected lines older than this are deleted (null: kept for ever). */
    readonly rejectedRetentionMs: number | null;
    /** Readings partitions whose month ended longer ago than this are dropped (null: kept). */
    readonly readingsRetentionMs: number | null;
  };
  readonly alerts: AlertSettings;
  readonly mail: {
    /** null: no mail server; alert mails stay in the outbox. */
    readonly smtpUrl: string | null;
    readonly from: string;
    readonly alertCc: string | null;
    /** Alerts older than this are not mailed (null: no limit). */
    readonly alertMaxAgeMs: number | null;
  };
  readonly api: {
    /** Requests a key may make per minute, in bursts up to the same number (null: no limit). */
    readonly rateLimitPerMinute: number | null;
    /** Which proxies' X-Forwarded-For to believe (Fastify's `trustProxy`). */
    readonly trustProxy: boolean | string;
  };
  /** Zone in which people see times (mails, reports, the daily API). */
  readonly displayTimeZone: string;
  /** How often the BI schema's daily figures catch up with the rides (analytics_changes). */
  readonly analyticsRefreshMs: number;
  readonly reports: {
    /** When the daily report is made and sent (5-field cron, in displayTimeZone). */
    readonly cron: string;
    /** Who gets it; none: reports are stored, not mailed. */
    readonly recipients: readonly string[];
  };
}
