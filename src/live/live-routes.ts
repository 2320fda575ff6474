import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LiveHub, LiveSubscriber } from './live-hub.js';

/** How the stream asks whether its caller may still watch (wired by app/ from the API's auth). */
export type Reauthorize = (req: FastifyRequest) => Promise<boolean>;

/**
 * `GET /api/live`: the dashboard's Server-Sent Events stream (a snapshot, then changes). Any
 * signed-in caller; names only for admins. Reconnecting browsers (Last-Event-ID) get a new
 * snapshot: each serving process numbers its own events, so only a snapshot is sure to be right.
 */
export function liveRoutes(app: FastifyInstance, hub: LiveHub, reauthorize: Reauthorize): void {
  app.get('/api/live', {
    config: { access: 'viewer' },
    schema: {
      summary: 'Live rides as Server-Sent Events: a snapshot, then deltas and clock ticks',
      tags: ['live'],
      security: [{ bearer: [] }],
    },
    handler: (req, reply) => {
      const role = req.caller?.role ?? 'viewer';
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // nginx and its kind would otherwise hold events back to fill a buffer.
        'x-accel-buffering': 'no',
      });
      // Browsers wait this long before reconnecting after a dropped stream.
      res.write('retry: 1000\n\n');
      let open = true;
      const sub: LiveSubscriber = {
        audience: role,
        write: (frame) => {
          if (open) res.write(frame);
        },
        buffered: () => res.writableLength,
        close: () => {
          open = false;
          res.destroy();
        },
        stillAllowed: () => reauthorize(req),
      };
      const unsubscribe = hub.subscribe(sub);
      res.on('close', () => {
        open = false;
        unsubscribe();
      });
    },
  });
}
