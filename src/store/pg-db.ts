import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, Queryable, SqlParam, TransactionOptions } from './db.js';

// int8 ids fit in a double for any realistic fleet; dates stay calendar dates, not local midnights.
const asNumber = (v: string): number => Number(v);
const asText = (v: string): string => v;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === 20) return asNumber;
    if (oid === 1082) return asText;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

// Statements with parameters are prepared once per connection and reused: the server skips
// parsing and planning, which is most of its work for the API's small lookups. The set of such
// statement texts is small and fixed by the code, so the cache stays bounded. A connection
// pooler in transaction mode without prepared-statement support needs `prepare: false`.
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `s${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
    if (statementNames.size < 10_000) statementNames.set(sql, name);
  }
  return name;
}

// After a migration changes a table under a running process, a statement prepared before it may
// fail once per connection with this; run again, it is prepared afresh.
const isStalePlan = (e: unknown): boolean =>
  (e as { code?: unknown }).code === '0A000' &&
  /cached plan must not change result type/.test((e as Error).message);

/** COPY into `table (columns)` from one chunk, text or binary by `options`; in a transaction only. */
async function copyIn(
  client: pg.Pool | pg.PoolClient,
  table: string,
  columns: readonly string[],
  options: string,
  data: string | Uint8Array,
): Promise<void> {
  if (!('release' in client)) throw new Error('COPY needs a transaction on PostgreSQL');
  const stream = client.query(
    copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN${options}`),
  );
  await pipeline(Readable.from([data]), stream);
}

function wrap(client: pg.Pool | pg.PoolClient, prepare: boolean): Queryable {
  return {
    async query<R extends object>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
      const config = {
        text: sql,
        values: params as unknown[] | undefined,
        types,
        ...(prepare && params?.length ? { name: statementName(sql) } : {}),
      };
      try {
        return (await client.query<R>(config)).rows;
      } catch (e) {
        // Inside a transaction the error has aborted it: only the pool may simply run it again.
        if (!isStalePlan(e) || 'release' in client) throw e;
        return (await client.query<R>(config)).rows;
      }
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
    copyText: (table, columns, text) => copyIn(client, table, columns, '', text),
    copyBinary: (table, columns, data) =>
      copyIn(client, table, columns, ' WITH (FORMAT binary)', data),
  };
}

/** Opens a pool on a real PostgreSQL server. */
export function openPgDb(
  url: string,
  opts: { max?: number; onError?: (e: Error) => void; prepare?: boolean } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 5,
    connectionTimeoutMillis: 5_000,
    application_name: 'deloton',
  });
  // An idle client losing its server emits here; unhandled it would kill the process.
  pool.on('error', (e) => opts.onError?.(e));
  const prepare = opts.prepare ?? true;
  const listeners = new Set<() => Promise<void>>();
  const base = wrap(pool, prepare);
  const location = (() => {
    try {
      const u = new URL(url);
      return `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return 'postgresql (unparseable URL)';
    }
  })();
  return {
    kind: 'postgres',
    location,
    query: base.query,
    exec: base.exec,
    copyText: () => Promise.reject(new Error('copyText needs a transaction on PostgreSQL')),
    copyBinary: () => Promise.reject(new Error('copyBinary needs a transaction on PostgreSQL')),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client that loses its server emits 'error'; unheard, that kills the process.
      // The failing query rejects too, which is where the retry logic hears about it.
      const onError = (e: Error): void => {
        broken ??= e;
      };
      client.on('error', onError);
      try {
        // One round trip: BEGIN and the commit mode travel together.
        await client.query(
          opts?.durable === false ? 'BEGIN; SET LOCAL synchronous_commit TO off' : 'BEGIN',
        );
        const result = await fn(wrap(client, prepare));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        broken = e as Error;
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.off('error', onError);
        // A client whose connection failed must not go back into the pool.
        // Nor may one holding a statement prepared before a migration: it would fail again.
        const destroy = broken && (!('severity' in broken) || isStalePlan(broken));
        client.release(destroy ? broken : undefined);
      }
    },
    async listen(channel, onPayload) {
      // A connection of its own, not one of the pool's: it is held for as long as the listener
      // lives, and the pool is sized for queries.
      let stopped = false;
      let current: pg.Client | null = null;
      let retryMs = 500;
      const attach = async (): Promise<pg.Client> => {
        const c = new pg.Client({
          connectionString: url,
          application_name: 'deloton-listen',
          connectionTimeoutMillis: 5_000,
          // An idle connection a NAT or load balancer drops silently would never end otherwise.
          keepAlive: true,
          keepAliveInitialDelayMillis: 30_000,
        });
        c.on('notification', (msg) => {
          if (msg.channel === channel) onPayload(msg.payload ?? '');
        });
        // 'end' follows any connection error; reconnecting is handled there.
        c.on('error', () => undefined);
        try {
          await c.connect();
          await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (e) {
          await c.end().catch(() => undefined);
          throw e;
        }
        c.on('end', () => {
          if (current !== c || stopped) return;
          current = null;
          reconnect();
        });
        return c;
      };
      const reconnect = (): void => {
        setTimeout(() => {
          if (stopped) return;
          attach().then(
            (c) => {
              if (stopped) return void c.end().catch(() => undefined);
              current = c;
              retryMs = 500;
              // Notifications sent while disconnected are lost: tell the listener to catch up.
              onPayload('');
            },
            () => {
              retryMs = Math.min(retryMs * 2, 30_000);
              reconnect();
            },
          );
        }, retryMs).unref();
      };
      current = await attach();
      const unlisten = async (): Promise<void> => {
        stopped = true;
        listeners.delete(unlisten);
        await current?.end().catch(() => undefined);
        current = null;
      };
      listeners.add(unlisten);
      return unlisten;
    },
    async close() {
      await Promise.all([...listeners].map((u) => u()));
      await pool.end();
    },
  };
}
