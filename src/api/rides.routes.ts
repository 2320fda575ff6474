import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteRide,
  getReadings,
  getRide,
  listRides,
  type RideQuery,
} from '../store/rides.repository.js';
import { ApiError } from './api-error.js';
import { localToday, type ApiDeps } from './api-deps.js';
import { callerOf } from './auth.js';
import { Cursor, encodeCursor, nextLink } from './cursor.js';
import { IdParams, Instant, Limit, NoQuery, Token } from './params.js';
import { presentReading, presentRide, presentRider } from './presenters.js';
import { aliasDoc, keyOrSession, errorResponses } from './route-kit.js';
import { RideDeleted, RideDetail, RidePage } from './schemas.js';

/** Query of a page of rides (all rides, or one rider's). */
export const RideListQuery = z.strictObject({
  since: Instant.optional().describe('rides started at or after'),
  until: Instant.optional().describe('rides started before'),
  bike_serial: Token('a bike serial').optional(),
  limit: Limit(1000, 100),
  cursor: Cursor(2),
});

/** Runs a ride query and builds its page with the link to the next one. */
export async function ridePage(
  deps: ApiDeps,
  req: FastifyRequest,
  q: z.output<typeof RideListQuery>,
  riderId: number | undefined,
) {
  const query: RideQuery = {
    sinceMs: q.since,
    untilMs: q.until,
    bikeSerial: q.bike_serial,
    riderId,
    after: q.cursor && { startedUs: q.cursor[0]!, rideId: q.cursor[1]! },
    limit: q.limit + 1,
  };
  const rows = await listRides(deps.readDb, query);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > q.limit && last
      ? nextLink(req.url, encodeCursor([last.started_us, last.ride_id]))
      : null;
  return { data: page.map(presentRide), next };
}

const RideQueryParams = z
  .strictObject({
    include: z.enum(['readings'], { message: 'must be "readings"' }).optional(),
    after_s: z
      .string()
      .regex(/^\d{1,9}$/, 'must be a whole number of seconds from 0')
      .transform(Number)
      .optional()
      .meta({ type: 'integer', minimum: 0, example: 120 })
      .describe(
        'with include=readings: only the readings after this second of the ride (elapsed_s greater), so a live view fetches just the new ones',
      ),
  })
  .refine((q) => q.after_s === undefined || q.include === 'readings', {
    path: ['after_s'],
    message: 'is a filter of the readings: send it with include=readings',
  });

/** Rides: list, one (with readings on request), delete; and the brief's aliases. */
export function rideRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/rides', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Rides, newest first',
      tags: ['rides'],
      security: keyOrSession,
      querystring: RideListQuery.extend({ rider_id: IdParams.shape.id.optional() }),
      response: { 200: RidePage, ...errorResponses('viewer') },
    },
    handler: async (req) => {
      const { rider_id, ...q } = req.query;
      return ridePage(deps, req, q, rider_id);
    },
  });

  const getOne = async (id: number, q: z.output<typeof RideQueryParams>, req: FastifyRequest) => {
    const found = await getRide(deps.readDb, id);
    if (!found) throw new ApiError(404, 'not_found', `no ride ${id}`);
    const role = callerOf(req).role;
    const body = {
      ...presentRide(found.ride),
      rider: found.rider && presentRider(found.rider, role, localToday(deps)),
    };
    if (q.include !== 'readings') return body;
    return {
      ...body,
      readings: (await getReadings(deps.readDb, id, q.after_s)).map(presentReading),
    };
  };
  const getSchema = {
    security: keyOrSession,
    params: IdParams,
    querystring: RideQueryParams,
    response: { 200: RideDetail, ...errorResponses('viewer') },
  };
  r.get('/api/rides/:id', {
    config: { access: 'viewer' },
    schema: { ...getSchema, summary: 'One ride, its rider and summary', tags: ['rides'] },
    handler: async (req) => getOne(req.params.id, req.query, req),
  });
  r.get('/ride/:id', {
    config: { access: 'viewer' },
    schema: { ...getSchema, ...aliasDoc('GET /api/rides/{id}') },
    handler: async (req) => getOne(req.params.id, req.query, req),
  });

  const remove = async (id: number, req: FastifyRequest) => {
    const result = await deps.db.transaction((tx) => deleteRide(tx, id, deps.activeRideWindowS));
    switch (result.kind) {
      case 'not_found':
        throw new ApiError(404, 'not_found', `no ride ${id}`);
      case 'in_progress':
        throw new ApiError(
          409,
          'conflict',
          `ride ${id} is in progress (ingest last wrote to it at ${result.lastWrittenAt.toISOString()}); delete it once it has ended`,
        );
      case 'deleted':
        deps.audit.info({ rideId: id, by: callerOf(req).name }, 'ride deleted');
        return { deleted: { ride_id: id, readings: result.readings, alerts: result.alerts } };
    }
  };
  const deleteSchema = {
    security: keyOrSession,
    params: IdParams,
    querystring: NoQuery,
    response: { 200: RideDeleted, ...errorResponses('admin', [409]) },
  };
  r.delete('/api/rides/:id', {
    config: { access: 'admin' },
    schema: {
      ...deleteSchema,
      summary: 'Delete a ride with its readings and alerts',
      tags: ['rides'],
    },
    handler: async (req) => remove(req.params.id, req),
  });
  r.delete('/ride/:id', {
    config: { access: 'admin' },
    schema: { ...deleteSchema, ...aliasDoc('DELETE /api/rides/{id}') },
    handler: async (req) => remove(req.params.id, req),
  });
}
