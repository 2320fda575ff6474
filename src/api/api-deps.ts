import { dateIn } from '../domain/calendar-day.js';
import type { FastifyBaseLogger } from 'fastify';
import type { AlertMailSettings } from '../mail/alert-mail.js';
import type { Db } from '../store/db.js';

/** What the API's routes need from the process that serves them. */
export interface ApiDeps {
  /** The primary: writes, key and session lookups, alerts and the outboxes. */
  readonly db: Db;
  /** Where the read routes read (rides, riders, daily, activity, exports, reports): a replica, or `db`. */
  readonly readDb: Db;
  /** Zone of calendar days (`/api/daily`) and ages. */
  readonly displayTimeZone: string;
  readonly now: () => number;
  /** For what staff did (deletions, erasures), at info: request logs are quieter. */
  readonly audit: FastifyBaseLogger;
  /** A ride heard from this recently is being ridden and cannot be deleted. */
  readonly activeRideWindowS: number;
  /** How alert mails are sent; mails are shown as the mail worker renders them. */
  readonly alertMail: AlertMailSettings;
  /** Builds report PDFs for `/api/reports` (null: this server builds none). */
  readonly reports: ReportPdfs | null;
  /** REPORT_CRON, to say when the schedule makes the next report. */
  readonly reportCron: string;
}

/** Today's date (`YYYY-MM-DD`) where the API's users are. */
export function localToday(deps: ApiDeps): string {
  return dateIn(deps.displayTimeZone, deps.now());
}

/** Who a built report is for: an admin's names riders, a viewer's never does. */
export type ReportAudience = 'admin' | 'viewer';

/** Builds a day's report PDF on demand (the reports lane; app/ wires it in). */
export interface ReportPdfs {
  /** The PDF of `date` (`YYYY-MM-DD`, in DISPLAY_TIMEZONE) as built now for `audience`. */
  build: (date: string, audience: ReportAudience) => Promise<Uint8Array>;
}
