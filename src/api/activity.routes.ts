import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ACTIVITY_RANGE_NAMES,
  activityWindow,
  type ActivityRange,
} from '../domain/activity-window.js';
import {
  lastRideStart,
  powerOverTime,
  ridesByAgeBand,
  ridesByGender,
} from '../store/activity.repository.js';
import { periodTotals } from '../store/day-totals.repository.js';
import type { ApiDeps } from './api-deps.js';
import { presentActivity } from './presenters.js';
import { keyOrSession, errorResponses } from './route-kit.js';
import { Activity } from './schemas.js';

const ActivityQuery = z.strictObject({
  range: z
    .enum(ACTIVITY_RANGE_NAMES, {
      message: `must be one of ${ACTIVITY_RANGE_NAMES.join(', ')}`,
    })
    .default('12h')
    .describe('how far back from now'),
});

/**
 * Every dashboard refreshes this when a ride ends, so many arrive together: within this long one
 * answer (per range, per process) serves them all. Rides end at most seconds apart anyway.
 */
const CACHE_MS = 2_000;

type ActivityBody = ReturnType<typeof presentActivity>;

/** Recent activity (the dashboard's "Recent rides"): totals, splits and power over time. */
export function activityRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cache = new Map<ActivityRange, { atMs: number; body: Promise<ActivityBody> }>();

  const compute = async (range: ActivityRange): Promise<ActivityBody> => {
    const w = activityWindow(range, deps.now(), deps.displayTimeZone);
    // One query a figure group; on PostgreSQL they run side by side on the pool.
    const [totals, byGender, byAgeBand, power, lastRideAt] = await Promise.all([
      periodTotals(deps.readDb, w.fromMs, w.untilMs),
      ridesByGender(deps.readDb, w),
      ridesByAgeBand(deps.readDb, w),
      powerOverTime(deps.readDb, w),
      lastRideStart(deps.readDb, w.untilMs),
    ]);
    return presentActivity({
      window: w,
      timeZone: deps.displayTimeZone,
      totals,
      byGender,
      byAgeBand,
      power,
      lastRideAt,
    });
  };

  const cached = (range: ActivityRange): Promise<ActivityBody> => {
    const nowMs = deps.now();
    const hit = cache.get(range);
    if (hit && nowMs >= hit.atMs && nowMs - hit.atMs < CACHE_MS) return hit.body;
    const body = compute(range);
    cache.set(range, { atMs: nowMs, body });
    // A failure (the database down) is not kept: the next request tries again.
    body.catch(() => {
      if (cache.get(range)?.body === body) cache.delete(range);
    });
    return body;
  };

  r.get('/api/activity', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Recent activity: totals, by gender and age band, power over time',
      description:
        'The rides that started in the last `range` up to now, counted as `/api/daily` counts a day. ' +
        'Answers are kept for 2 s per range in each server process.',
      tags: ['rides'],
      security: keyOrSession,
      querystring: ActivityQuery,
      response: { 200: Activity, ...errorResponses('viewer') },
    },
    handler: async (req) => cached(req.query.range),
  });
}
