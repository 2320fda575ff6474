import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { activityRoutes } from './activity.routes.js';
import { alertRoutes } from './alerts.routes.js';
import type { ApiDeps } from './api-deps.js';
import { installAuth } from './auth.js';
import { dailyRoutes } from './daily.routes.js';
import { installErrorHandling } from './error-handler.js';
import { healthRoutes, type HealthSources } from './health.routes.js';
import { KeyCache } from './key-cache.js';
import { createMetrics, installHttpMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { installProtocolChecks } from './protocol-errors.js';
import { RateLimiter } from './rate-limit.js';
import { riderRoutes } from './riders.routes.js';
import { rideRoutes } from './rides.routes.js';

// Per client address; far above any honest misconfiguration's retry rate.
const BAD_KEYS_PER_MINUTE = 120;

export interface ApiOptions extends ApiDeps, HealthSources {
  readonly version: string;
  /** Requests per minute per key (null: unlimited). */
  readonly rateLimitPerMinute: number | null;
}

/** Everything the HTTP server serves: the staff API, its docs, health and metrics. */
export async function registerApi(
  app: FastifyInstance,
  o: ApiOptions,
): Promise<{ keys: KeyCache }> {
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; bodies are built by presenters and sent as they are.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);
  installProtocolChecks(app);
  const metrics = createMetrics(o);
  installHttpMetrics(app, metrics.http);
  const keys = new KeyCache(o.db, (e) => app.log.warn({ err: e }, 'could not record key use'));
  installAuth(
    app,
    keys,
    o.rateLimitPerMinute ? new RateLimiter(o.rateLimitPerMinute, o.now) : null,
    new RateLimiter(BAD_KEYS_PER_MINUTE, o.now),
  );
  await registerOpenApi(app, o.version);
  healthRoutes(app, o, metrics);
  rideRoutes(app, o);
  riderRoutes(app, o);
  dailyRoutes(app, o);
  activityRoutes(app, o);
  alertRoutes(app, o);
  return { keys };
}
