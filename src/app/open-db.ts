import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { DelotonError } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { syncAnalyticsTimeZone } from '../store/analytics-definitions.js';
import { migrate, schemaVersion } from '../store/migrate.js';
import { openPgDb } from '../store/pg-db.js';
import { openPgliteDb } from '../store/pglite-db.js';
import { join } from 'node:path';

/** The primary, and where reads go. */
export interface Databases {
  /** Writes, LISTEN/NOTIFY, keys and sessions, outboxes: always the primary. */
  readonly db: Db;
  /** The API's, the reports' and BI's reads: the replica of DATABASE_READ_URL, else `db`. */
  readonly readDb: Db;
  /** Closes the replica (when there is one), then the primary. */
  readonly close: () => Promise<void>;
}

/** How long a start that has just migrated the primary waits for the replica to replay it. */
const REPLICA_CATCH_UP_MS = 30_000;
// A replica's reads are the API's and a report build's: a few connections are plenty.
const REPLICA_POOL = 3;

/** Opens the configured database (PostgreSQL, or embedded PGlite under the data dir) and migrates it. */
export async function openDatabase(config: Config, logger: Logger): Promise<Db> {
  return (await openPrimary(config, logger)).db;
}

/**
 * Opens the primary as `openDatabase` does and, with DATABASE_READ_URL, the replica beside it.
 * The replica is never migrated: it must already hold the primary's newest migration.
 */
export async function openDatabases(
  config: Config,
  logger: Logger,
  opts: { replicaCatchUpMs?: number } = {},
): Promise<Databases> {
  const { db, applied } = await openPrimary(config, logger);
  if (!config.databaseReadUrl) return { db, readDb: db, close: () => db.close() };
  try {
    const readDb = await openReplica(config, config.databaseReadUrl, logger, {
      want: await schemaVersion(db),
      // Only a migration made now can still be on its way to the replica.
      waitMs: applied.length > 0 ? (opts.replicaCatchUpMs ?? REPLICA_CATCH_UP_MS) : 0,
    });
    return {
      db,
      readDb,
      close: async () => {
        await readDb.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

async function openReplica(
  config: Config,
  url: string,
  logger: Logger,
  o: { want: number; waitMs: number },
): Promise<Db> {
  const replica = openPgDb(url, {
    max: REPLICA_POOL,
    prepare: config.preparedStatements,
    onError: (e) => logger.warn({ err: e.message }, 'idle replica connection lost'),
  });
  try {
    const deadline = Date.now() + o.waitMs;
    let lastLog = 0;
    for (;;) {
      const has = await schemaVersion(replica);
      if (has >= o.want) break;
      if (Date.now() >= deadline)
        throw new DelotonError(
          'replica_schema_mismatch',
          `the read replica (DATABASE_READ_URL, ${replica.location}) has schema version ${has} but the primary (DATABASE_URL) has ${o.want}: ` +
            (o.waitMs > 0
              ? `the replica did not replay the new migrations within ${Math.round(o.waitMs / 1000)} s; is it replicating the primary?`
              : 'DATABASE_READ_URL must name a streaming replica of DATABASE_URL that has caught up'),
        );
      if (Date.now() - lastLog >= 5_000) {
        lastLog = Date.now();
        logger.info(
          { replica: replica.location, has, want: o.want },
          'waiting for the read replica to replay the migrations',
        );
      }
      await sleep(250);
    }
  } catch (e) {
    await replica.close().catch(() => undefined);
    if (e instanceof DelotonError) throw e;
    throw new DelotonError(
      'db_unavailable',
      `cannot use the read replica (DATABASE_READ_URL) at ${replica.location}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  logger.info({ replica: replica.location }, 'read replica opened: reads go there');
  return replica;
}

async function openPrimary(config: Config, logger: Logger): Promise<{ db: Db; applied: string[] }> {
  const db = config.databaseUrl
    ? openPgDb(config.databaseUrl, {
        prepare: config.preparedStatements,
        onError: (e) => logger.warn({ err: e.message }, 'idle database connection lost'),
      })
    : await openPgliteDb(join(config.dataDir, 'pgdata'));
  let applied: string[];
  try {
    applied = await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    if (e instanceof DelotonError) throw e;
    throw new DelotonError(
      'db_unavailable',
      `cannot use the database at ${db.location}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  // The BI schema cuts days in the display time zone: on the first start, or after the zone
  // changed, every stored ride's day is set again (a minute for millions of rides).
  let lastLog = 0;
  const cut = await syncAnalyticsTimeZone(db, config.displayTimeZone, (p) => {
    if (Date.now() - lastLog < 5_000 && p.rides < p.of) return;
    lastLog = Date.now();
    logger.info({ rides: p.rides, of: p.of, timeZone: config.displayTimeZone }, 'cutting BI days');
  });
  if (cut)
    logger.info({ timeZone: config.displayTimeZone }, 'BI days cut in the display time zone');
  logger.info({ database: db.location }, 'database opened');
  if (applied.length) logger.info({ applied }, 'migrations applied');
  return { db, applied };
}
