import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import { ensureBiReaderRole } from '../store/bi-reader-role.js';
import type { Db } from '../store/db.js';
import { startBiWireServer, type BiWireServer } from '../store/pglite-wire-server.js';
import { openDatabase } from './open-db.js';

/** Clients served at once; their statements still run one at a time. */
const MAX_BI_CLIENTS = 8;

/** Refuses the BI socket on PostgreSQL, where analysts get a login of their own instead. */
export function checkEmbedded(config: Config, what: string): void {
  if (config.databaseUrl)
    throw new DelotonError(
      'config_invalid',
      `${what} serves the embedded database only, and DATABASE_URL points at PostgreSQL: ` +
        'give analysts a read-only login there with `deloton bi grant --user NAME` instead',
    );
}

/** Opens the read-only PostgreSQL socket for BI tools on an open embedded database. */
export async function offerBiSocket(
  db: Db,
  logger: Logger,
  where: { host: string; port: number },
): Promise<BiWireServer> {
  if (!(await ensureBiReaderRole(db)))
    logger.warn('no analytics schema in this database yet: BI clients will find nothing to read');
  const server = await startBiWireServer(db, {
    ...where,
    maxConnections: MAX_BI_CLIENTS,
    logger,
  });
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  logger.info(
    { host: server.host, port: server.port },
    `BI socket (read-only, schema analytics) listening: psql -h ${host} -p ${server.port} ` +
      '-U analyst -d deloton (any user name and password are accepted)',
  );
  return server;
}

/** `deloton bi serve`: the embedded database's read-only socket until stopped. */
export async function runBiServe(
  config: Config,
  logger: Logger,
  where: { host: string; port: number },
  signal: AbortSignal,
): Promise<void> {
  checkEmbedded(config, 'deloton bi serve');
  const db = await openDatabase(config, logger);
  try {
    const server = await offerBiSocket(db, logger, where);
    if (!signal.aborted)
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    await server.close();
    logger.info('stopped cleanly');
  } finally {
    await db.close();
  }
}
