import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { activityRoutes } from './activity.routes.js';
import { alertRoutes } from './alerts.routes.js';
import type { ApiDeps } from './api-deps.js';
import { installAuth, type Credentials } from './auth.js';
import { dailyRoutes } from './daily.routes.js';
import { installErrorHandling } from './error-handler.js';
import { exportRoutes } from './export.routes.js';
import { healthRoutes, type HealthSources } from './health.routes.js';
import { KeyCache } from './key-cache.js';
import { createMetrics, installHttpMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { installProtocolChecks } from './protocol-errors.js';
import { RateLimiter } from './rate-limit.js';
import { reportRoutes } from './reports.routes.js';
import { riderRoutes } from './riders.routes.js';
import { rideRoutes } from './rides.routes.js';
import { DEFAULT_SESSION_LIFETIME, SessionCache, type SessionLifetime } from './session-cache.js';
import { sessionRoutes } from './session.routes.js';

// Per client address; far above any honest misconfiguration's retry rate.
const BAD_KEYS_PER_MINUTE = 120;

export interface ApiOptions extends ApiDeps, HealthSources {
  readonly version: string;
  /** Requests per minute per key (null: unlimited). */
  readonly rateLimitPerMinute: number | null;
  /** How long browser sessions last (DEFAULT_SESSION_LIFETIME without it). */
  readonly sessionLifetime?: SessionLifetime;
}

/** Everything the HTTP server serves: the staff API, its docs, health and metrics. */
export async function registerApi(
  app: FastifyInstance,
  o: ApiOptions,
): Promise<{ keys: KeyCache; creds: Credentials }> {
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; bodies are built by presenters and sent as they are.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);
  installProtocolChecks(app);
  const metrics = createMetrics(o);
  installHttpMetrics(app, metrics.http);
  const keys = new KeyCache(o.db, (e) => app.log.warn({ err: e }, 'could not record key use'));
  const sessions = new SessionCache(o.db, o.sessionLifetime ?? DEFAULT_SESSION_LIFETIME, o.now);
  // One listener per server: a revocation or sign-out empties both caches.
  keys.alsoEmpty(sessions);
  const creds: Credentials = {
    keys,
    sessions,
    failures: new RateLimiter(BAD_KEYS_PER_MINUTE, o.now),
    perKey: o.rateLimitPerMinute ? new RateLimiter(o.rateLimitPerMinute, o.now) : null,
  };
  installAuth(app, creds);
  await registerOpenApi(app, o.version);
  healthRoutes(app, o, metrics);
  sessionRoutes(app, o, creds);
  rideRoutes(app, o);
  riderRoutes(app, o);
  dailyRoutes(app, o);
  activityRoutes(app, o);
  alertRoutes(app, o);
  reportRoutes(app, o);
  exportRoutes(app, o);
  return { keys, creds };
}
