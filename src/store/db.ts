/** What a query may bind. Arrays bind as PostgreSQL arrays (for `unnest` bulk statements); bytes as bytea. */
export type SqlParam = string | number | boolean | null | Date | Uint8Array | readonly SqlParam[];

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement and returns its rows. int8 comes back as number, date as `YYYY-MM-DD`. */
  query: <R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlParam[],
  ) => Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec: (sql: string) => Promise<void>;
  /** Bulk-loads rows given in PostgreSQL COPY text format into `table (columns)`. */
  copyText: (table: string, columns: readonly string[], text: string) => Promise<void>;
  /** Bulk-loads rows in PostgreSQL's binary COPY format (`BinaryCopyWriter`). */
  copyBinary: (table: string, columns: readonly string[], data: Uint8Array) => Promise<void>;
}

export interface TransactionOptions {
  readonly durable?: boolean;
}

/** The database port: PostgreSQL over `pg` or embedded PGlite, one SQL dialect. */
export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** A human description of where the data lives (no password). */
  readonly location: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * `durable: false` lets the commit return before its WAL is flushed, for writes that can be
   * redone from their source after a server crash.
   */
  transaction: <T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions) => Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel`; resolves to an unsubscribe function. A lost connection is
   * re-established, and `onPayload('')` then says that notifications may have been missed.
   */
  listen: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;
  close: () => Promise<void>;
}

/** Connection-level failures worth waiting out, as opposed to bugs or bad SQL. */
export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // 08: connection exception, 53: insufficient resources, 57P: operator intervention (shutdown),
  // 25006: a read-only transaction, which a primary gives while it fails over to a replica.
  if (/^(08|53|57P)/.test(code) || code === '25006') return true;
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ECONNABORTED',
      'EPIPE',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ENETDOWN',
      'EADDRNOTAVAIL',
    ].includes(code)
  )
    return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    msg,
  );
}

/** Deadlock, serialization failure or lock not available: the same statements may well succeed. */
export function isConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === '55P03';
}

/** The write collided with rows already stored (unique violation, or one row touched twice). */
export function isCollision(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === '21000';
}

/** Whether the database answers at all. */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await db.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
