import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { mailOfAlert } from '../mail/alert-mail.js';
import { getAlert, listAlerts } from '../store/alerts-read.repository.js';
import { alertMailRow } from '../store/alerts.repository.js';
import { ApiError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { callerOf } from './auth.js';
import { Cursor, encodeCursor, nextLink } from './cursor.js';
import { Id, IdParams, Instant, Limit, NoQuery } from './params.js';
import { presentAlert } from './presenters.js';
import { keyOrSession, errorResponses } from './route-kit.js';
import { Alert, AlertMail, AlertPage } from './schemas.js';

const AlertQuery = z.strictObject({
  state: z
    .enum(['queued', 'sent', 'failed'], { message: 'must be queued, sent or failed' })
    .optional(),
  kind: z.enum(['high', 'low'], { message: 'must be high or low' }).optional(),
  rider_id: Id.optional(),
  ride_id: Id.optional(),
  since: Instant.optional().describe('detected at or after'),
  until: Instant.optional().describe('detected before'),
  limit: Limit(1000, 100),
  cursor: Cursor(1),
});

/** Heart-rate alerts with their delivery state. */
export function alertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/alerts', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Heart-rate alerts, newest first, with delivery state',
      tags: ['alerts'],
      security: keyOrSession,
      querystring: AlertQuery,
      response: { 200: AlertPage, ...errorResponses('viewer') },
    },
    handler: async (req) => {
      const q = req.query;
      const rows = await listAlerts(deps.db, {
        state: q.state,
        kind: q.kind,
        riderId: q.rider_id,
        rideId: q.ride_id,
        sinceMs: q.since,
        untilMs: q.until,
        beforeId: q.cursor?.[0],
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const role = callerOf(req).role;
      return {
        data: page.map((a) => presentAlert(a, role)),
        next:
          rows.length > q.limit && last ? nextLink(req.url, encodeCursor([last.alert_id])) : null,
      };
    },
  });
  r.get('/api/alerts/:id', {
    config: { access: 'viewer' },
    schema: {
      summary: 'One alert',
      tags: ['alerts'],
      security: keyOrSession,
      params: IdParams,
      querystring: NoQuery,
      response: { 200: Alert, ...errorResponses('viewer') },
    },
    handler: async (req) => {
      const a = await getAlert(deps.db, req.params.id);
      if (!a) throw new ApiError(404, 'not_found', `no alert ${req.params.id}`);
      return presentAlert(a, callerOf(req).role);
    },
  });
  r.get('/api/alerts/:id/mail', {
    config: { access: 'admin' },
    schema: {
      summary: "An alert's mail, as sent or as it waits in the outbox",
      description:
        'Rendered as the mail worker renders it, so it can be read without a mail server. It ' +
        "holds the rider's name and email address: admin keys only. 404 when the rider has no " +
        'email address (no mail is made).',
      tags: ['alerts'],
      security: keyOrSession,
      params: IdParams,
      querystring: NoQuery,
      response: { 200: AlertMail, ...errorResponses('admin') },
    },
    handler: async (req) => {
      const id = req.params.id;
      const row = await alertMailRow(deps.db, id);
      if (!row) throw new ApiError(404, 'not_found', `no alert ${id}`);
      const { cc, domain } = deps.alertMail;
      const mail = mailOfAlert(row, { cc, domain, timeZone: deps.displayTimeZone });
      if (!mail)
        throw new ApiError(
          404,
          'not_found',
          `alert ${id} has no mail: the rider has no email address`,
        );
      return { to: mail.to, cc: mail.cc, subject: mail.subject, text: mail.text, html: mail.html };
    },
  });
}
