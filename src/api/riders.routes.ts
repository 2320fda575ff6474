import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eraseRider, getRider, riderExists } from '../store/riders.repository.js';
import { ApiError } from './api-error.js';
import { localToday, type ApiDeps } from './api-deps.js';
import { callerOf } from './auth.js';
import { Id, IdParams, NoQuery } from './params.js';
import { presentRider, presentRiderStats } from './presenters.js';
import { aliasDoc, keyOrSession, errorResponses } from './route-kit.js';
import { RideListQuery, ridePage } from './rides.routes.js';
import { RiderDetail, RiderErased, RidePage } from './schemas.js';

const AliasParams = z.object({ user_id: Id });

/** Riders: one with totals, their rides, erasure; and the brief's aliases. */
export function riderRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const getOne = async (id: number, req: FastifyRequest) => {
    const found = await getRider(deps.readDb, id);
    if (!found) throw new ApiError(404, 'not_found', `no rider ${id}`);
    return {
      ...presentRider(found.rider, callerOf(req).role, localToday(deps)),
      stats: presentRiderStats(found.stats),
    };
  };
  const oneDoc = {
    security: keyOrSession,
    querystring: NoQuery,
    response: { 200: RiderDetail, ...errorResponses('viewer') },
  };
  r.get('/api/riders/:id', {
    config: { access: 'viewer' },
    schema: {
      ...oneDoc,
      params: IdParams,
      summary: 'One rider, their age and totals',
      tags: ['riders'],
    },
    handler: async (req) => getOne(req.params.id, req),
  });
  r.get('/rider/:user_id', {
    config: { access: 'viewer' },
    schema: { ...oneDoc, params: AliasParams, ...aliasDoc('GET /api/riders/{id}') },
    handler: async (req) => getOne(req.params.user_id, req),
  });

  // An unknown rider is a 404, not an empty page: a typo in an id should not look like "no rides".
  const rides = async (id: number, req: FastifyRequest, q: z.output<typeof RideListQuery>) => {
    if (!(await riderExists(deps.readDb, id)))
      throw new ApiError(404, 'not_found', `no rider ${id}`);
    return ridePage(deps, req, q, id);
  };
  const ridesDoc = {
    security: keyOrSession,
    querystring: RideListQuery,
    response: { 200: RidePage, ...errorResponses('viewer') },
  };
  r.get('/api/riders/:id/rides', {
    config: { access: 'viewer' },
    schema: {
      ...ridesDoc,
      params: IdParams,
      summary: "A rider's rides, newest first",
      tags: ['riders'],
    },
    handler: async (req) => rides(req.params.id, req, req.query),
  });
  r.get('/rider/:user_id/rides', {
    config: { access: 'viewer' },
    schema: { ...ridesDoc, params: AliasParams, ...aliasDoc('GET /api/riders/{id}/rides') },
    handler: async (req) => rides(req.params.user_id, req, req.query),
  });

  r.delete('/api/riders/:id', {
    config: { access: 'admin' },
    schema: {
      summary: 'Erase a rider (right to erasure)',
      description:
        "Deletes the rider's personal data, rides, readings, alerts and the rejected feed lines " +
        'that name them, in one transaction, and records the erasure: the account number and ' +
        'counts, with no identifying or health data.',
      tags: ['riders'],
      security: keyOrSession,
      params: IdParams,
      querystring: NoQuery,
      response: { 200: RiderErased, ...errorResponses('admin') },
    },
    handler: async (req) => {
      const id = req.params.id;
      const record = await deps.db.transaction((tx) => eraseRider(tx, id, callerOf(req).name));
      if (!record) throw new ApiError(404, 'not_found', `no rider ${id}`);
      deps.audit.info(
        { riderId: id, erasureId: record.erasure_id, by: callerOf(req).name },
        'rider erased',
      );
      return { erasure: { ...record, erased_at: record.erased_at.toISOString() } };
    },
  });
}
