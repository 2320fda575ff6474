import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDay } from '../domain/calendar-day.js';
import { periodTotals } from '../store/day-totals.repository.js';
import { ridesStartedBetween } from '../store/rides.repository.js';
import { localToday, type ApiDeps } from './api-deps.js';
import { callerOf } from './auth.js';
import { CalendarDate } from './params.js';
import { presentRide, presentRider, presentTotals } from './presenters.js';
import { aliasDoc, keyOrSession, errorResponses } from './route-kit.js';
import { Daily } from './schemas.js';

const DailyQuery = z.strictObject({
  date: CalendarDate.optional().describe('the day, in DISPLAY_TIMEZONE; today without it'),
});

/** Rides of one calendar day with the day's totals; and the brief's `/daily` alias. */
export function dailyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const handler = async (req: FastifyRequest, date: string | undefined) => {
    const today = localToday(deps);
    const day = calendarDay(date ?? today, deps.displayTimeZone);
    const [rows, totals] = await Promise.all([
      ridesStartedBetween(deps.readDb, day.fromMs, day.untilMs),
      periodTotals(deps.readDb, day.fromMs, day.untilMs),
    ]);
    const role = callerOf(req).role;
    return {
      date: day.date,
      time_zone: day.timeZone,
      from: new Date(day.fromMs).toISOString(),
      until: new Date(day.untilMs).toISOString(),
      totals: presentTotals(totals),
      rides: rows.map((row) => ({
        ...presentRide(row),
        rider: row.has_rider ? presentRider({ ...row, rider_id: row.rider_id }, role, today) : null,
      })),
    };
  };
  const schema = {
    security: keyOrSession,
    querystring: DailyQuery,
    response: { 200: Daily, ...errorResponses('viewer') },
  };
  r.get('/api/daily', {
    config: { access: 'viewer' },
    schema: { ...schema, summary: 'Rides of one calendar day, with totals', tags: ['rides'] },
    handler: async (req) => handler(req, req.query.date),
  });
  r.get('/daily', {
    config: { access: 'viewer' },
    schema: { ...schema, ...aliasDoc('GET /api/daily') },
    handler: async (req) => handler(req, req.query.date),
  });
}
