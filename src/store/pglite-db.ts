import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir, unwritableDataDir } from './data-dir-lock.js';
import type { Db, Queryable, SqlParam } from './db.js';

// Same value shapes as the pg adapter: int8 as number, date as text.
const parsers = {
  20: (v: string) => Number(v),
  1082: (v: string) => v,
};

// The engine behind each embedded Db, for the BI socket (pglite-wire-server.ts), which speaks
// the wire protocol to PGlite itself rather than through the Db port.
const engines = new WeakMap<Db, PGlite>();

/** The PGlite engine of a Db opened by openPgliteDb, or null for PostgreSQL. */
export function pgliteOf(db: Db): PGlite | null {
  return engines.get(db) ?? null;
}

function wrap(q: PGlite | Transaction): Queryable {
  /** COPY into `table (columns)` from one chunk, text or binary by `options`. */
  const copyIn = async (
    table: string,
    columns: readonly string[],
    options: string,
    data: string | Uint8Array,
  ): Promise<void> => {
    await q.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob'${options}`, [], {
      blob: new Blob([data]),
    });
  };
  return {
    async query<R extends object>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
      const res = await q.query<R>(sql, params as unknown[] | undefined);
      return res.rows;
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
    copyText: (table, columns, text) => copyIn(table, columns, '', text),
    copyBinary: (table, columns, data) => copyIn(table, columns, ' WITH (FORMAT binary)', data),
  };
}

/** Opens embedded PostgreSQL (PGlite), persisted under `dataDir`, or in memory when it is null. */
export async function openPgliteDb(dataDir: string | null): Promise<Db> {
  if (dataDir) {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw unwritableDataDir(dataDir, e);
    }
  }
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      parsers,
      relaxedDurability: false,
    });
  } catch (e) {
    unlock();
    throw e;
  }
  const base = wrap(pg);
  const db: Db = {
    kind: 'pglite',
    location: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    ...base,
    // `durable` is ignored: an embedded database shares the fate of its process anyway.
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)));
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return () => unsub();
    },
    async close() {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
  engines.set(db, pg);
  return db;
}
