// `/health` and `/metrics` for the roles that serve no HTTP of their own (ingest, alerts,
// reports): in production each runs in its own container, and its counters would otherwise be
// seen nowhere.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { healthRoutes, type HealthSources } from '../api/health.routes.js';
import { createMetrics } from '../api/metrics.js';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';

/** A listening ops server. */
export interface OpsServer {
  readonly address: string;
  close(): Promise<void>;
}

/** Serves this role's health and metrics on METRICS_PORT (HOST); null when it is not set. */
export async function startOpsServer(
  config: Pick<Config, 'host' | 'metricsPort'>,
  role: string,
  sources: HealthSources,
  logger: Logger,
): Promise<OpsServer | null> {
  if (config.metricsPort === null) return null;
  // Scrapes are not news; only problems reach the log.
  const level = logger.levelVal > logger.levels.values.warn! ? logger.level : 'warn';
  const opsLogger: FastifyBaseLogger = logger.child({ lane: 'ops', role }, { level });
  const app = Fastify({ loggerInstance: opsLogger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  healthRoutes(app, sources, createMetrics(sources));
  const address = await app
    .listen({ port: config.metricsPort, host: config.host })
    .catch(async (e: Error) => {
      await app.close();
      throw new DelotonError(
        'port_unavailable',
        `cannot listen on METRICS_PORT ${config.metricsPort} of ${config.host}: ${e.message}`,
      );
    });
  logger.info(
    { role, health: `${address}/health`, metrics: `${address}/metrics` },
    'ops server listening',
  );
  return { address, close: () => app.close() };
}
