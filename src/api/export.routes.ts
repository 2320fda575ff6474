import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDay } from '../domain/calendar-day.js';
import {
  exportReadingsPage,
  exportRidesPage,
  rideExists,
  type RideKey,
} from '../store/export-pages.repository.js';
import { ApiError } from './api-error.js';
import { localToday, type ApiDeps } from './api-deps.js';
import { callerOf } from './auth.js';
import { csvStream } from './csv-stream.js';
import { READING_CSV, rideCsv } from './export-columns.js';
import { DayOrInstant, Id, type SpanBound } from './params.js';
import { errorResponses, keyOrSession } from './route-kit.js';

const RidesExportQuery = z.strictObject({
  from: DayOrInstant.describe(
    'rides started at or after: a day YYYY-MM-DD (its start in DISPLAY_TIMEZONE), or an ISO 8601 date-time with a zone',
  ),
  to: DayOrInstant.describe(
    'rides started before: a day YYYY-MM-DD (its start in DISPLAY_TIMEZONE, so that day is not included), or an ISO 8601 date-time with a zone',
  ),
});

const ReadingsExportQuery = z.strictObject({
  ride_id: Id.describe('the ride whose readings to export'),
});

const csvResponse = (what: string) => ({
  description: `${what}: RFC 4180 CSV (a header row, CRLF line ends, UTF-8), as an attachment`,
  content: { 'text/csv': { schema: z.string() } },
});

/** The first instant of a bound, days read in the display zone; and its text for a file name. */
function resolve(b: SpanBound, timeZone: string): { ms: number; label: string } {
  if (b.kind === 'day') return { ms: calendarDay(b.date, timeZone).fromMs, label: b.date };
  // Colons are not allowed in file names on every system.
  const label = new Date(b.ms).toISOString().replace('.000Z', 'Z').replace(/:/g, '');
  return { ms: b.ms, label };
}

/** Sends a CSV stream as a download named `filename`. */
function sendCsv(reply: FastifyReply, filename: string, body: NodeJS.ReadableStream): FastifyReply {
  return reply
    .code(200)
    .headers({
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    })
    .send(body);
}

/** CSV exports of rides and of one ride's readings, streamed from the database page by page. */
export function exportRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Exports hand over personal data in bulk: who took what is kept, like deletions.
  const audit =
    (req: FastifyRequest, what: Record<string, unknown>) => (rows: number, complete: boolean) =>
      deps.audit.info(
        { export: what, by: callerOf(req).name, role: callerOf(req).role, rows, complete },
        complete ? 'export sent' : 'export stopped before its end (client gone or database error)',
      );

  r.get('/api/export/rides.csv', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Rides started in a span, as CSV',
      description:
        'Every ride started in [from, to), oldest first, with the figures of `GET /api/rides` ' +
        "and its rider's fields as the key's role sees them in the JSON API (viewer keys: no " +
        'identifying field). Streamed: any span, in constant memory.',
      tags: ['exports'],
      security: keyOrSession,
      querystring: RidesExportQuery,
      response: { 200: csvResponse('the rides'), ...errorResponses('viewer') },
    },
    handler: async (req, reply) => {
      const tz = deps.displayTimeZone;
      const from = resolve(req.query.from, tz);
      const to = resolve(req.query.to, tz);
      if (to.ms <= from.ms)
        throw new ApiError(
          400,
          'invalid_input',
          `to: must be later than from (from is ${new Date(from.ms).toISOString()}, to is ${new Date(to.ms).toISOString()} in ${tz})`,
        );
      const role = callerOf(req).role;
      const span = { fromMs: from.ms, untilMs: to.ms };
      const body = await csvStream(
        {
          page: (after: RideKey | null, limit) => exportRidesPage(deps.readDb, span, after, limit),
          keyOf: (row) => ({ startedUs: row.started_us, rideId: row.ride_id }),
        },
        rideCsv(role, localToday(deps)),
        audit(req, { rides: { from: from.label, to: to.label } }),
      );
      return sendCsv(reply, `deloton-rides-${from.label}-${to.label}.csv`, body);
    },
  });

  r.get('/api/export/readings.csv', {
    config: { access: 'viewer' },
    schema: {
      summary: "One ride's readings, as CSV",
      description:
        "The ride's per-second readings in order, with the fields of `GET /api/rides/{id}" +
        "?include=readings` and each reading's heart-rate zone (its id, as in the analytics " +
        'views; empty without a personal maximum or heart-rate contact). Streamed.',
      tags: ['exports'],
      security: keyOrSession,
      querystring: ReadingsExportQuery,
      response: { 200: csvResponse('the readings'), ...errorResponses('viewer') },
    },
    handler: async (req, reply) => {
      const id = req.query.ride_id;
      if (!(await rideExists(deps.readDb, id)))
        throw new ApiError(404, 'not_found', `no ride ${id}`);
      const body = await csvStream(
        {
          page: (after: number | null, limit) =>
            exportReadingsPage(deps.readDb, id, after ?? -1, limit),
          keyOf: (row) => row.elapsed_s,
        },
        READING_CSV,
        audit(req, { readings: { ride_id: id } }),
      );
      return sendCsv(reply, `deloton-readings-ride-${id}.csv`, body);
    },
  });
}
