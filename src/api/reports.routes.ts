import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { daysBefore } from '../domain/calendar-day.js';
import { nextRunMs } from '../domain/report-schedule.js';
import { listReports, storedReportPdf, type StoredReport } from '../store/reports.repository.js';
import { ApiError } from './api-error.js';
import { localToday, type ApiDeps } from './api-deps.js';
import { callerOf, type Access } from './auth.js';
import { BuildSlots, SlotsFull } from './build-slots.js';
import { CalendarDate, NoQuery } from './params.js';
import { ReportList } from './report-schemas.js';
import { errorResponses, keyOrSession } from './route-kit.js';

/** Builds at once per server (one server per process); each takes up to ~2 s of CPU. */
const BUILD_SLOTS = 2;
/** Builds waiting beyond these are refused with 503 rather than held (each holds a socket). */
const MAX_WAITING = 32;

/** Where a day's PDF is served. */
export const reportPdfUrl = (date: string): string => `/api/reports/${date}.pdf`;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function presentReport(r: StoredReport, role: Access) {
  return {
    date: r.day,
    time_zone: r.time_zone,
    state: r.state,
    generated_at: iso(r.generated_at),
    sent_at: iso(r.sent_at),
    attempts: r.attempts,
    pdf_bytes: r.pdf_bytes,
    pdf_url: reportPdfUrl(r.day),
    // Email addresses identify people, and a delivery error may quote one.
    ...(role === 'admin' ? { recipients: r.recipients, last_error: r.last_error } : {}),
  };
}

const PdfParams = z.strictObject({
  date: CalendarDate.describe('the day, in DISPLAY_TIMEZONE: YYYY-MM-DD or DD-MM-YYYY'),
});

/** The daily executive reports: the stored days, and any day's PDF. */
export function reportRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const slots = new BuildSlots(BUILD_SLOTS, MAX_WAITING);

  r.get('/api/reports', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Stored daily reports, newest first, with their delivery',
      description:
        'The days whose report the schedule made (built, and sent or kept). Any other day up to ' +
        "today can still be had from `pdf_url`'s pattern, built on request. `recipients` and " +
        '`last_error` are for admin keys only.',
      tags: ['reports'],
      security: keyOrSession,
      querystring: NoQuery,
      response: { 200: ReportList, ...errorResponses('viewer') },
    },
    handler: async (req) => {
      const role = callerOf(req).role;
      const today = localToday(deps);
      const tz = deps.displayTimeZone;
      const rows = await listReports(deps.readDb);
      return {
        time_zone: tz,
        today,
        latest_complete_day: daysBefore(today, 1),
        builds_on_demand: deps.reports !== null,
        schedule: {
          cron: deps.reportCron,
          next_run_at: nextRunAt(deps.reportCron, tz, deps.now()),
        },
        data: rows.map((row) => presentReport(row, role)),
      };
    },
  });

  r.get('/api/reports/:date.pdf', {
    config: { access: 'viewer' },
    schema: {
      summary: "A day's report as a PDF",
      description:
        'An admin key gets the stored report of the day when there is one (as mailed, naming ' +
        'riders), else one built now. A viewer key always gets one built now that names no ' +
        'rider. Today gives the day so far; a day that has not begun is refused (`400`). `503` ' +
        '(`reports_unavailable`) when the PDF would have to be built and this server builds ' +
        'none, and (`busy`) when too many builds wait. At most 2 builds run at once per server.',
      tags: ['reports'],
      security: keyOrSession,
      params: PdfParams,
      querystring: NoQuery,
      response: {
        200: {
          description: 'the PDF, `inline` with a file name',
          content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
        },
        ...errorResponses('viewer'),
      },
    },
    handler: async (req, reply) => {
      const role = callerOf(req).role;
      const date = req.params.date;
      const today = localToday(deps);
      if (date > today)
        throw new ApiError(
          400,
          'invalid_input',
          `date: ${date} has not begun in ${deps.displayTimeZone} (today is ${today}); a report covers today at the latest`,
        );
      // A stored report names riders: only an admin is given it.
      const stored = role === 'admin' ? await storedReportPdf(deps.readDb, date) : null;
      const pdf = stored ?? (await build(date, role));
      // The documented body is binary (a string in OpenAPI's terms); Fastify sends a Buffer as is.
      return (reply as FastifyReply)
        .code(200)
        .headers({
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="deloton-report-${date}.pdf"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        })
        .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    },
  });

  async function build(date: string, role: Access): Promise<Uint8Array> {
    const builder = deps.reports;
    if (!builder)
      throw new ApiError(
        503,
        'reports_unavailable',
        role === 'admin'
          ? `no report of ${date} is stored, and this server does not build reports on request`
          : `this server does not build reports on request, and stored reports are for admin keys (they name riders)`,
      );
    try {
      return await slots.run(() => builder.build(date, role));
    } catch (e) {
      if (e instanceof SlotsFull)
        throw new ApiError(503, 'busy', 'too many reports are being built; try again shortly', {
          'retry-after': '5',
        });
      throw e;
    }
  }
}

/** The schedule's next run as ISO text; null when it never runs again. */
function nextRunAt(cron: string, timeZone: string, nowMs: number): string | null {
  const next = nextRunMs({ cron, timeZone }, nowMs);
  return next === null ? null : new Date(next).toISOString();
}
